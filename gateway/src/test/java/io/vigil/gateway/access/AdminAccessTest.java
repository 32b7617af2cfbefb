package io.vigil.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.AdminConfig;
import io.vigil.gateway.config.TlsConfig;
import io.vigil.gateway.config.VigilConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's operators and roles, over real sockets: no operator, an unknown or revoked
 * token, and a role too low are refused; what is allowed is recorded under the authenticated
 * operator; operators by client certificate over TLS; credentials added and revoked while the
 * gateway runs.
 */
class AdminAccessTest {

  private static final String MODEL = "wdbc-malignancy";

  @TempDir Path dataDir;
  @TempDir Path pkiDir;
  private Gateway gateway;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void eachRoleDoesWhatItMayAndNoMore() throws Exception {
    Credentials operators = Credentials.open(dataDir, Credentials.Kind.OPERATORS);
    String viewer = operators.addToken("vera", Optional.of(Role.VIEWER));
    String operator = operators.addToken("otto", Optional.of(Role.OPERATOR));
    String approver = operators.addToken("anna", Optional.of(Role.APPROVER));
    String revoked = operators.addToken("rex", Optional.of(Role.APPROVER));
    operators.revoke("rex");
    gateway =
        Gateway.start(
            TestGateways.withMonitoring(TestGateways.config(dataDir), TestGateways.SMALL_WINDOWS));
    String suspend = "/admin/v1/models/" + MODEL + "/suspend";
    String resume = "/admin/v1/models/" + MODEL + "/resume";
    String approve = "/admin/v1/updates/" + MODEL + "@9.9.9/approve";
    JsonObject why = new JsonObject().put("reason", "role test");

    // no operator, an unknown, a revoked or a device's token: 401, on every endpoint
    for (String token : new String[] {null, "vigil_op_000000000000_x", revoked}) {
      assertEquals(401, get("/metrics", token).statusCode());
      assertEquals(401, get("/admin/v1/models", token).statusCode());
      assertEquals(401, post(suspend, token, why).statusCode());
    }
    // a viewer reads, and may not act
    assertEquals(200, get("/metrics", viewer).statusCode());
    assertEquals(200, get("/admin/v1/models", viewer).statusCode());
    assertEquals(200, get("/admin/v1/updates", viewer).statusCode());
    HttpResponse<String> viewerSuspends = post(suspend, viewer, why);
    assertEquals(403, viewerSuspends.statusCode());
    assertTrue(viewerSuspends.body().contains("has the role viewer"), viewerSuspends.body());
    // an operator suspends, and may neither resume nor approve
    HttpResponse<String> suspended = post(suspend, operator, why);
    assertEquals(200, suspended.statusCode(), suspended.body());
    assertEquals("operator:otto", new JsonObject(suspended.body()).getString("suspended_by"));
    HttpResponse<String> operatorResumes = post(resume, operator, why);
    assertEquals(403, operatorResumes.statusCode(), operatorResumes.body());
    assertTrue(operatorResumes.body().contains("needs approver"), operatorResumes.body());
    assertEquals(403, post(approve, operator, why).statusCode());
    // nor may the local operator, whatever the body claims
    String local = LocalOperator.read(dataDir).orElseThrow();
    assertEquals(403, post(resume, local, why).statusCode());
    assertEquals(
        400,
        post(suspend, approver, why.copy().put("actor", "operator:someone-else")).statusCode());
    // an approver resumes, recorded as itself
    HttpResponse<String> resumed = post(resume, approver, why);
    assertEquals(200, resumed.statusCode(), resumed.body());
    assertEquals("operator:anna", new JsonObject(resumed.body()).getString("resumed_by"));
    assertEquals(404, post(approve, approver, why).statusCode(), "no such update: past the gate");
  }

  @Test
  void operatorsAddedOrRevokedWhileTheGatewayRunsAreInForceWithinSeconds() throws Exception {
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    Credentials operators = Credentials.open(dataDir, Credentials.Kind.OPERATORS);
    String late = operators.addToken("late", Optional.of(Role.VIEWER));
    assertEquals(200, until(() -> get("/metrics", late).statusCode(), 200));
    operators.revoke("late");
    assertEquals(401, until(() -> get("/metrics", late).statusCode(), 401));
  }

  @Test
  void anOperatorsClientCertificateOverTlsNamesItAndAStrangersIsRefused() throws Exception {
    Pki pki = new Pki(pkiDir);
    Credentials.open(dataDir, Credentials.Kind.OPERATORS)
        .addCertificate("pat", Pki.Client.GOOD.cn, Optional.of(Role.OPERATOR));
    VigilConfig c = TestGateways.withoutDemo(TestGateways.config(dataDir));
    VigilConfig secured =
        new VigilConfig(
            c.dataDir(),
            c.server(),
            c.inference(),
            c.audit(),
            new AdminConfig(
                c.admin().host(),
                0,
                new TlsConfig("admin", pki.serverPem(), pki.serverKey(), pki.caPem(), pki.crl())),
            c.trust(),
            c.monitoring(),
            c.sync(),
            c.grpc(),
            c.installDemoBundle(),
            c.shutdownGrace());
    gateway = Gateway.start(secured);

    HttpResponse<String> pat = tls(pki, Pki.Client.GOOD, "/admin/v1/models");
    assertEquals(200, pat.statusCode(), pat.body());
    // a good certificate of the CA whose common name no operator was registered with
    HttpResponse<String> stranger = tls(pki, Pki.Client.SECOND, "/admin/v1/models");
    assertEquals(401, stranger.statusCode(), stranger.body());
    assertTrue(stranger.body().contains("no operator is registered"), stranger.body());
    // plain HTTP does not reach a TLS admin port
    try {
      get("/metrics", TestGateways.approver(dataDir));
      throw new AssertionError("plain HTTP answered on a TLS port");
    } catch (IOException expected) {
      // the TLS server does not speak plain HTTP
    }
  }

  private interface Status {
    int get() throws Exception;
  }

  private static int until(Status s, int wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int status = s.get();
    while (status != wanted && System.nanoTime() < deadline) {
      Thread.sleep(200);
      status = s.get();
    }
    return status;
  }

  private HttpResponse<String> tls(Pki pki, Pki.Client c, String path) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(pki.client(c))
            .build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.adminPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token, JsonObject body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
