package io.vigil.trust.tuf;

import static io.vigil.trust.tuf.RepositoryFixture.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP source against a real HTTP server on a local socket: an endless body stops at the cap, a
 * 404 or 403 is a missing file, and the Updater runs over it as over a directory.
 */
@Timeout(30)
class HttpSourceTest {

  @TempDir Path base;
  HttpServer server;
  ExecutorService executor;
  HttpSource source;
  String endlessTarget = "";

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/metadata/endless.json", HttpSourceTest::endless);
    server.createContext(
        "/metadata/huge.json",
        exchange -> {
          exchange.sendResponseHeaders(200, 10_000_000);
          exchange.close();
        });
    server.createContext("/metadata/forbidden.json", exchange -> status(exchange, 403));
    server.createContext("/metadata/broken.json", exchange -> status(exchange, 500));
    server.createContext("/metadata/", this::file);
    server.createContext("/targets/", this::file);
    server.start();
    URI root = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    source = HttpSource.of(root.resolve("/metadata"), root.resolve("/targets/"));
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void stopsAnEndlessBodyAtTheCap() {
    assertRefused(
        Code.TOO_LONG,
        () -> source.metadata("endless.json", 100_000),
        "metadata file endless.json is longer than its cap of 100000 bytes");
  }

  @Test
  void refusesADeclaredLengthOverTheCapBeforeReading() {
    assertRefused(
        Code.TOO_LONG,
        () -> source.metadata("huge.json", 16_384),
        "metadata file huge.json has 10000000 bytes, over its cap of 16384");
  }

  @Test
  void takesA404ForAMissingFile() {
    Optional<byte[]> missing = source.metadata("7.root.json", 1_000);

    assertTrue(missing.isEmpty());
  }

  @Test
  void takesA403ForAMissingFile() {
    Optional<byte[]> forbidden = source.metadata("forbidden.json", 1_000);

    assertTrue(forbidden.isEmpty());
  }

  @Test
  void reportsAnyOtherStatusAsAFailedFetch() {
    assertRefused(
        Code.FETCH_FAILED, () -> source.metadata("broken.json", 1_000), "broken.json answered 500");
  }

  @Test
  void reportsAnUnreachableServerAsAFailedFetch() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/metadata/");
    HttpSource unreachable = HttpSource.of(nowhere, nowhere);

    assertRefused(Code.FETCH_FAILED, () -> unreachable.metadata("timestamp.json", 1_000), "failed");
  }

  @Test
  void runsTheUpdaterOverHttp() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    byte[] model = "model over http".getBytes(UTF_8);
    repo.addTarget("models/m.bin", model);
    repo.newTargets("targets");
    Updater updater = Updater.open(repo.client, source, repo.clock, repo.limits);

    byte[] downloaded = updater.download(updater.targetInfo("models/m.bin").orElseThrow());

    assertArrayEquals(model, downloaded);
    assertEquals(2, repo.trustedVersion("targets"));
  }

  @Test
  void stopsAnEndlessTargetAtItsSignedLength() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    byte[] model = "model over http".getBytes(UTF_8);
    TargetFile target = repo.addTarget("models/m.bin", model);
    repo.newTargets("targets");
    endlessTarget = "/targets/" + repo.targetFileName(target);
    Updater updater = Updater.open(repo.client, source, repo.clock, repo.limits);

    assertRefused(
        Code.TOO_LONG,
        () -> updater.download(updater.targetInfo("models/m.bin").orElseThrow()),
        "is longer than its cap of " + model.length + " bytes");
  }

  @Test
  void downloadsATargetWhosePathMustBeEscapedInAUrl() {
    RepositoryFixture repo = RepositoryFixture.started(base);
    byte[] model = "model with a space in its name".getBytes(UTF_8);
    repo.addTarget("models/my model ä 100%.bin", model);
    repo.newTargets("targets");
    Updater updater = Updater.open(repo.client, source, repo.clock, repo.limits);

    byte[] downloaded =
        updater.download(updater.targetInfo("models/my model ä 100%.bin").orElseThrow());

    assertArrayEquals(model, downloaded);
  }

  @Test
  void looksForATargetPathThatReadsLikeAUrlUnderTheTargetsBase() {
    RepositoryFixture.started(base);
    String elsewhere =
        "http://127.0.0.1:" + server.getAddress().getPort() + "/metadata/1.root.json";

    Optional<byte[]> fetched = source.target(elsewhere, 100_000);

    assertTrue(fetched.isEmpty());
  }

  /** Serves {@code base/repository/PATH}, or an endless body for {@link #endlessTarget}. */
  private void file(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals(endlessTarget)) {
      endless(exchange);
      return;
    }
    Path file = base.resolve("repository").resolve(path.substring(1)).normalize();
    if (!file.startsWith(base) || !Files.isRegularFile(file)) {
      status(exchange, 404);
      return;
    }
    byte[] body = Files.readAllBytes(file);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A chunked body that never ends: it stops when the client hangs up. */
  private static void endless(HttpExchange exchange) {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(200, 0);
      while (!Thread.currentThread().isInterrupted()) {
        out.write(chunk);
      }
    } catch (IOException e) {
      // The client hung up, which is what the test waits for.
    }
  }

  private static void status(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
