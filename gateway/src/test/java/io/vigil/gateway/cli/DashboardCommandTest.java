package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil dashboard}: the running gateway's dashboard URL, signed in by its fragment. */
class DashboardCommandTest {

  @TempDir Path dataDir;

  @Test
  void printsTheDashboardUrlWithTheLocalOperatorsTokenInItsFragment() throws Exception {
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      StringWriter out = new StringWriter();
      StringWriter advice = new StringWriter();
      int status =
          Vigil.run(
              new PrintWriter(out),
              new PrintWriter(advice),
              "dashboard",
              "--data-dir",
              dataDir.toString());

      // the URL alone on standard output, the advice on standard error
      assertEquals(0, status, out.toString());
      assertEquals(1, out.toString().lines().count(), out.toString());
      assertTrue(advice.toString().contains("Keep it to yourself"), advice.toString());
      String url = out.toString().strip();
      String prefix = "http://127.0.0.1:" + gateway.adminPort() + "/#token=";
      assertTrue(url.startsWith(prefix), url);
      String token = URLDecoder.decode(url.substring(prefix.length()), StandardCharsets.US_ASCII);
      HttpResponse<String> models =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + gateway.adminPort() + "/admin/v1/models"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, models.statusCode(), "the token signs in: " + models.body());
    }
  }

  @Test
  void namesTheTokenFileWhenNoGatewayRuns() {
    StringWriter err = new StringWriter();
    int status =
        Vigil.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "dashboard",
            "--data-dir",
            dataDir.toString());

    assertTrue(status != 0, "exit status " + status);
    assertTrue(
        err.toString().contains(dataDir.resolve("access/local-operator.token").toString()),
        err.toString());
  }
}
