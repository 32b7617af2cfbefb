package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.repo.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /admin/v1/updates/install} over a real socket, on a running gateway. */
@ExtendWith(VertxExtension.class)
class InstallApiTest {

  @TempDir Path dataDir;
  @TempDir Path repoDir;
  private Gateway gateway;
  private Repository repo;

  private HttpClient client;

  @BeforeEach
  void aGatewayAndARepositoryApprovingReleaseTwo(Vertx vertx) {
    client = vertx.createHttpClient();
    repo = TestGateways.repository(repoDir);
    Bundle two = TestBundles.clinicalBundle("test-model", "1.0.2", 2);
    repo.add(
        TargetCustom.targetPath(two.manifest()),
        two.bytes(),
        TargetCustom.of(two.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void installsAndServesWithoutARestart(VertxTestContext test) throws Exception {
    JsonObject body =
        new JsonObject()
            .put("directory", repoDir.toString())
            .put("root", Base64.getEncoder().encodeToString(Files.readAllBytes(repo.firstRoot())));

    post(body)
        .onComplete(
            test.succeeding(
                r ->
                    test.verify(
                        () -> {
                          assertEquals(200, r.status, r.body);
                          JsonObject report = new JsonObject(r.body);
                          assertEquals(
                              "test-model",
                              report
                                  .getJsonArray("installed")
                                  .getJsonObject(0)
                                  .getString("model_id"));
                          assertEquals(
                              2, gateway.models().active("test-model").manifest().release());
                          test.completeNow();
                        })));
  }

  @Test
  void aRepositoryWithoutTrustedRootIsNotFound(VertxTestContext test) {
    post(new JsonObject().put("directory", repoDir.toString()))
        .onComplete(
            test.succeeding(
                r ->
                    test.verify(
                        () -> {
                          assertEquals(404, r.status, r.body);
                          assertTrue(
                              new JsonObject(r.body).getString("error").contains("--root"), r.body);
                          test.completeNow();
                        })));
  }

  @Test
  void aRequestWithoutADirectoryIsABadRequest(VertxTestContext test) {
    post(new JsonObject().put("repository", "manufacturer"))
        .onComplete(
            test.succeeding(
                r ->
                    test.verify(
                        () -> {
                          assertEquals(400, r.status, r.body);
                          assertTrue(
                              new JsonObject(r.body)
                                  .getString("error")
                                  .contains("\"directory\" is required"),
                              r.body);
                          test.completeNow();
                        })));
  }

  @Test
  void aForgedRepositoryIsRefusedWith422(VertxTestContext test) throws Exception {
    byte[] root = Files.readAllBytes(repo.firstRoot());
    Path timestamp = repoDir.resolve("metadata/timestamp.json");
    Files.writeString(
        timestamp, Files.readString(timestamp).replace("\"version\" : 2", "\"version\" : 9"));
    JsonObject body =
        new JsonObject()
            .put("directory", repoDir.toString())
            .put("root", Base64.getEncoder().encodeToString(root));

    post(body)
        .onComplete(
            test.succeeding(
                r ->
                    test.verify(
                        () -> {
                          assertEquals(422, r.status, r.body);
                          assertTrue(
                              new JsonObject(r.body)
                                  .getString("error")
                                  .contains("forged or missing signatures"),
                              r.body);
                          assertTrue(gateway.models().all().isEmpty());
                          test.completeNow();
                        })));
  }

  private record Answer(int status, String body) {}

  private io.vertx.core.Future<Answer> post(JsonObject body) {
    return client
        .request(HttpMethod.POST, gateway.adminPort(), "127.0.0.1", "/admin/v1/updates/install")
        .compose(
            req ->
                req.putHeader("Authorization", TestGateways.bearer(dataDir))
                    .send(Buffer.buffer(body.encode())))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString())));
  }
}
