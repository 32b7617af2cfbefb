package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's static files on a running gateway's admin port: they load without an operator and
 * carry the security headers, the data behind them does not, and the vendored uPlot is the one its
 * note and the SBOM name.
 */
class DashboardFilesTest {

  static final List<String> FILES =
      List.of(
          "/",
          "/dashboard/index.html",
          "/dashboard/dashboard.js",
          "/dashboard/dashboard.css",
          "/dashboard/vendor/uplot/uPlot.iife.min.js",
          "/dashboard/vendor/uplot/uPlot.min.css");

  @TempDir Path dataDir;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    gateway = Gateway.start(TestGateways.config(dataDir));
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void servesTheShellWithoutAnOperatorAndWithTheSecurityHeaders() throws Exception {
    for (String path : FILES) {
      HttpResponse<String> r = get(path, false);
      assertEquals(200, r.statusCode(), path);
      assertEquals(
          "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
          r.headers().firstValue("content-security-policy").orElse(""),
          path);
      assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""), path);
      assertEquals("no-referrer", r.headers().firstValue("referrer-policy").orElse(""), path);
    }
    HttpResponse<String> page = get("/", false);
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("<label for=\"token\">Operator token</label>"), page.body());
  }

  @Test
  void refusesTheDataWithoutAnOperatorWhileTheShellLoads() throws Exception {
    for (String path :
        List.of(
            "/admin/v1/models",
            "/admin/v1/traffic",
            "/admin/v1/ledger",
            "/admin/v1/events",
            "/admin/v1/updates")) {
      HttpResponse<String> r = get(path, false);
      assertEquals(401, r.statusCode(), path);
      assertTrue(r.body().contains("the admin API needs an operator"), r.body());
      HttpResponse<String> signedIn = get(path, true);
      assertEquals(200, signedIn.statusCode(), path);
      assertEquals("no-store", signedIn.headers().firstValue("cache-control").orElse(""), path);
    }
  }

  @Test
  void namesNoOtherOriginAndNoInlineScriptOrStyle() throws Exception {
    for (String path : FILES.subList(1, 4)) {
      String body = get(path, false).body();
      assertFalse(body.contains("http://") || body.contains("https://"), path);
      assertFalse(body.contains("innerHTML") || body.contains("eval("), path);
      assertFalse(body.contains("style=\"") || body.contains("<style"), path);
      assertFalse(body.contains("localStorage"), path);
      if (path.endsWith(".html")) {
        assertFalse(body.matches("(?s).*<script>.*"), "inline script in " + path);
      }
    }
  }

  @Test
  void vendorsTheUplotThatItsNoteNames() throws Exception {
    String note = resource("vendor/uplot/README.md");
    Matcher row = Pattern.compile("\\| `([^`]+)` \\| `([0-9a-f]{64})` \\|").matcher(note);
    int rows = 0;
    while (row.find()) {
      rows++;
      assertEquals(
          row.group(2), sha256(resourceBytes("vendor/uplot/" + row.group(1))), row.group(1));
    }
    assertEquals(3, rows, note);
    assertTrue(note.contains("`uplot@" + UPLOT_VERSION + "`"), note);
    assertTrue(resource("vendor/uplot/LICENSE").startsWith("The MIT License"));
  }

  @Test
  void putsTheServedUplotIntoTheSbomWithItsHash() throws Exception {
    JsonObject spec =
        new JsonObject(Files.readString(Path.of("..", "packaging", "src", "sbom", "natives.json")));
    JsonObject uplot = spec.getJsonArray("bundled").getJsonObject(0);
    assertEquals("pkg:npm/uplot@" + UPLOT_VERSION, uplot.getString("purl"));
    assertEquals(UPLOT_VERSION, uplot.getString("version"));
    assertEquals("MIT", uplot.getString("license"));
    String resource = uplot.getString("resource");
    assertEquals("io/vigil/gateway/dashboard/vendor/uplot/uPlot.iife.min.js", resource);
    assertEquals(
        uplot.getString("sha256"),
        sha256(resourceBytes(resource.substring("io/vigil/gateway/dashboard/".length()))));
    assertTrue(
        get("/dashboard/vendor/uplot/uPlot.iife.min.js", false).body().contains("uPlot"),
        "the served file is the vendored one");
  }

  /** The uPlot version that the note, the SBOM entry and the served file agree on. */
  static final String UPLOT_VERSION = "1.6.32";

  private HttpResponse<String> get(String path, boolean signedIn)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path));
    if (signedIn) {
      b.header("Authorization", TestGateways.bearer(dataDir));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] resourceBytes(String name) throws IOException {
    try (InputStream in =
        DashboardFilesTest.class.getResourceAsStream("/io/vigil/gateway/dashboard/" + name)) {
      if (in == null) {
        throw new IOException("no resource io/vigil/gateway/dashboard/" + name);
      }
      return in.readAllBytes();
    }
  }

  private static String resource(String name) throws IOException {
    return new String(resourceBytes(name), StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
