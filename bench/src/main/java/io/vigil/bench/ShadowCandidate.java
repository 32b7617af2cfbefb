package io.vigil.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code --baseline-shadow}: the demo's second release, wdbc-malignancy 1.1.0, installed through a
 * running gateway's admin API as the candidate of the demo model, so that the update gate runs it
 * in shadow on every answered request; and what that shadow run did, read back from {@code GET
 * /admin/v1/updates}. Its rollout asks for a local operator's approval, which a benchmark never
 * gives, so it stays a candidate, shadowing, for the whole run.
 */
final class ShadowCandidate {

  /** The update repository that the demo jar carries, as {@code DemoUpdateTest} copies it out. */
  static final String REPOSITORY_RESOURCE = "/io/vigil/demo/repository-update/";

  /**
   * The repository name the demo bundle's first start trusts the update repository's root under.
   */
  static final String REPOSITORY = "demo";

  static final String MODEL = "wdbc-malignancy";
  static final String VERSION = "1.1.0";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  // HTTP/1.1, as the admin port speaks it (see AdminVerticle).
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private ShadowCandidate() {}

  /**
   * What a gateway's candidate had done in shadow when read: its slot's stage, the rows it ran and
   * agreed on, and the answered requests that the update gate dropped because its shadow queue was
   * full, which the candidate never saw.
   */
  record Figures(String gateway, String stage, long rows, long agreeingRows, long droppedRequests) {

    /**
     * What happened between {@code earlier} (the same gateway, read before) and this reading; all
     * of this reading when its counts went back, as they do when the candidate was replaced or is
     * gone.
     */
    Figures since(Figures earlier) {
      if (rows < earlier.rows || droppedRequests < earlier.droppedRequests) {
        return this;
      }
      return new Figures(
          gateway,
          stage,
          rows - earlier.rows,
          agreeingRows - earlier.agreeingRows,
          droppedRequests - earlier.droppedRequests);
    }

    /**
     * The share of the requests offered to the shadow that it dropped, counting one row a request
     * (the benchmark's bodies each carry one row); NaN when none was offered.
     */
    double droppedShare() {
      long offered = rows + droppedRequests;
      return offered == 0 ? Double.NaN : (double) droppedRequests / offered;
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("gateway", gateway)
          .put("stage", stage)
          .put("rows", rows)
          .put("agreeing_rows", agreeingRows)
          .put("dropped_requests", droppedRequests);
    }
  }

  /**
   * Copies the update repository out of this harness's jar (or classes folder) into a fresh {@code
   * dir}, which the gateways then read as an operator's USB stick.
   */
  static Path copyRepository(Path dir) throws IOException {
    URL url = ShadowCandidate.class.getResource(REPOSITORY_RESOURCE + "metadata/root.json");
    if (url == null) {
      throw new IllegalStateException(
          "this build carries no demo update repository (" + REPOSITORY_RESOURCE + ")");
    }
    URI root;
    try {
      root = url.toURI();
    } catch (URISyntaxException e) {
      throw new IOException("cannot read " + url, e);
    }
    HostedGateway.deleteTree(dir);
    if (root.getScheme().equals("jar")) {
      FileSystem jar;
      boolean opened = false;
      try {
        jar = FileSystems.newFileSystem(root, Map.of());
        opened = true;
      } catch (FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(root);
      }
      try {
        copy(jar.provider().getPath(root).getParent().getParent(), dir);
      } finally {
        if (opened) {
          jar.close();
        }
      }
    } else {
      copy(Path.of(root).getParent().getParent(), dir);
    }
    return dir;
  }

  /**
   * Installs 1.1.0 from {@code repository} through {@code POST /admin/v1/updates/install} on the
   * gateway whose admin API listens on {@code adminPort}, and checks that it became the candidate,
   * in shadow.
   */
  static void install(int adminPort, String token, Path repository)
      throws IOException, InterruptedException {
    JsonObject body =
        new JsonObject()
            .put("repository", REPOSITORY)
            .put("directory", repository.toAbsolutePath().toString())
            .put("actor", "vigil-bench");
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri(adminPort, "/admin/v1/updates/install"))
                .header("Authorization", "Bearer " + token)
                .timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "installing " + MODEL + " " + VERSION + ": HTTP " + r.statusCode() + " " + r.body());
    }
    JsonArray installed = new JsonObject(r.body()).getJsonArray("installed", new JsonArray());
    boolean ours =
        installed.stream()
            .map(JsonObject.class::cast)
            .anyMatch(
                i ->
                    MODEL.equals(i.getString("model_id"))
                        && VERSION.equals(i.getString("version")));
    if (!ours) {
      throw new IllegalStateException(
          "the update repository installed no " + MODEL + " " + VERSION + ": " + r.body());
    }
    Optional<Figures> f = parse("", updates(adminPort, token));
    if (f.isEmpty() || !f.get().stage().equals("shadow")) {
      throw new IllegalStateException(
          MODEL + " " + VERSION + " was installed but is not in shadow: " + f);
    }
  }

  /** The candidate's shadow figures on that gateway; empty when it has no such candidate. */
  static Optional<Figures> read(String gateway, int adminPort, String token)
      throws IOException, InterruptedException {
    return parse(gateway, updates(adminPort, token));
  }

  /** The 1.1.0 candidate's figures in a {@code GET /admin/v1/updates} answer. */
  static Optional<Figures> parse(String gateway, JsonObject updates) {
    return updates.getJsonArray("updates", new JsonArray()).stream()
        .map(JsonObject.class::cast)
        .filter(
            u -> MODEL.equals(u.getString("model_id")) && VERSION.equals(u.getString("version")))
        .findFirst()
        .map(
            u -> {
              JsonObject s = u.getJsonObject("shadow", new JsonObject());
              return new Figures(
                  gateway,
                  u.getString("stage"),
                  s.getLong("rows", 0L),
                  s.getLong("agreeing_rows", 0L),
                  s.getLong("dropped_requests", 0L));
            });
  }

  private static JsonObject updates(int adminPort, String token)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri(adminPort, "/admin/v1/updates"))
                .header("Authorization", "Bearer " + token)
                .timeout(TIMEOUT)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "GET /admin/v1/updates: HTTP " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  private static URI uri(int adminPort, String path) {
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
