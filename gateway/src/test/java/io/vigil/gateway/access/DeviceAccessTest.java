package io.vigil.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.DeviceAccess;
import io.vigil.gateway.config.ServerConfig;
import io.vigil.gateway.config.TlsConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.simulate.DeviceCredentials;
import io.vigil.gateway.simulate.Simulation;
import io.vigil.gateway.simulate.Simulator;
import io.vigil.gateway.simulate.TestSplit;
import io.vigil.inference.TestBundles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices over TLS with client certificates from the hospital's CA and with tokens, against a
 * running gateway over real sockets: who is let in, who is refused and why, what the ledger
 * records, and revocation in force without a restart.
 */
class DeviceAccessTest {

  private static final String BODY =
      "{\"id\": \"req-1\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3],"
          + " \"data\": [1, 2, 3]}]}";
  private static final String INFER = "/v2/models/test-model/infer";

  @TempDir Path dataDir;
  @TempDir Path pkiDir;
  private Pki pki;
  private Gateway gateway;

  @BeforeEach
  void pki() throws Exception {
    pki = new Pki(pkiDir);
    TestGateways.preinstall(dataDir, TestBundles.bundle());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void onlyGoodCertificatesAndKnownTokensReachTheModelAndTheLedgerNamesTheDevice()
      throws Exception {
    Credentials devices = Credentials.open(dataDir, Credentials.Kind.DEVICES);
    String token = devices.addToken("monitor-7", Optional.empty());
    String revokedToken = devices.addToken("monitor-8", Optional.empty());
    devices.revoke("monitor-8");
    gateway = Gateway.start(tls(List.of("10.9.9.9")));

    // a good certificate: served, and recorded under its common name
    HttpResponse<String> good = send(Pki.Client.GOOD, null, null);
    assertEquals(200, good.statusCode(), good.body());
    assertEquals("pump-1", deviceOf(good));

    // every bad certificate is refused: in the handshake, or with 401
    List<String> refused = new ArrayList<>();
    for (Pki.Client bad :
        List.of(
            Pki.Client.EXPIRED,
            Pki.Client.REVOKED,
            Pki.Client.WRONG_CA,
            Pki.Client.SELF_SIGNED,
            Pki.Client.WRONG_PURPOSE)) {
      refused.add(bad + ": " + refusal(bad, null));
    }
    System.out.println("certificates refused: " + refused);
    assertEquals(
        5, refused.stream().filter(r -> !r.endsWith("served")).count(), refused.toString());

    // a token without a certificate: served, recorded under its device name; a spoofed identity
    // header from a client that is not a trusted proxy changes nothing
    HttpResponse<String> byToken = send(null, token, "pump-1");
    assertEquals(200, byToken.statusCode(), byToken.body());
    assertEquals("monitor-7", deviceOf(byToken));

    // unknown, revoked and malformed tokens, and no credential at all: 401
    for (String t : List.of("vigil_dev_000000000000_nope", revokedToken, "not-a-token")) {
      HttpResponse<String> r = send(null, t, null);
      assertEquals(401, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent());
    }
    HttpResponse<String> none = send(null, null, "pump-1");
    assertEquals(401, none.statusCode(), none.body());
    assertTrue(none.body().contains("known devices only"), none.body());
  }

  @Test
  void aCertificateRevokedWhileTheGatewayRunsIsRefusedWithoutARestartEvenOnAnOpenConnection()
      throws Exception {
    gateway = Gateway.start(tls(List.of()));
    HttpClient client = client(Pki.Client.SECOND);
    assertEquals(200, infer(client, null, null).statusCode());

    pki.revoke(Pki.Client.SECOND);
    // Files are looked at every 2 s.
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int status = 200;
    while (status == 200 && System.nanoTime() < deadline) {
      Thread.sleep(250);
      try {
        status = infer(client, null, null).statusCode();
      } catch (IOException refusedInHandshake) {
        status = -1;
      }
    }
    assertEquals(401, status, "the kept-alive connection's next request after the revocation");
    // A new connection is refused too: in its handshake once the servers took the new list, or with
    // 401 by the request's own check if it raced that update.
    String next = refusal(Pki.Client.SECOND, null);
    assertTrue(next.startsWith("handshake") || next.startsWith("401"), "a new connection: " + next);
    assertEquals(200, send(Pki.Client.GOOD, null, null).statusCode());
  }

  @Test
  void aRenewedServerCertificateIsServedToNewConnectionsWithoutARestart(@TempDir Path renewed)
      throws Exception {
    String token =
        Credentials.open(dataDir, Credentials.Kind.DEVICES).addToken("monitor-1", Optional.empty());
    gateway = Gateway.start(tls(List.of()));
    Pki next = new Pki(renewed);
    HttpClient trustsOnlyTheNext = client(next, null);
    try {
      infer(trustsOnlyTheNext, token, null);
      throw new AssertionError("the next CA's client trusted the first certificate");
    } catch (IOException expected) {
      // the first certificate is not from the CA this client trusts
    }

    java.nio.file.Files.copy(
        next.serverKey(), pki.serverKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    java.nio.file.Files.copy(
        next.serverPem(), pki.serverPem(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int status = -1;
    while (status != 200 && System.nanoTime() < deadline) {
      Thread.sleep(250);
      try {
        status = infer(client(next, null), token, null).statusCode();
      } catch (IOException stillTheFirst) {
        status = -1;
      }
    }
    assertEquals(200, status, "a new connection after the renewal");
  }

  @Test
  void vigilSimulateReachesASecuredGatewayWithAClientCertificateOrAToken() throws Exception {
    String token =
        Credentials.open(dataDir, Credentials.Kind.DEVICES).addToken("sim-1", Optional.empty());
    // The demo's model, which the simulator's test split fits, comes in through the demo bundle.
    gateway = Gateway.start(tls(List.of(), true));
    for (DeviceCredentials access :
        List.of(
            DeviceCredentials.of(
                Optional.empty(),
                Optional.of(pki.caPem()),
                Optional.of(pki.goodClientPem()),
                Optional.of(pki.goodClientKey())),
            DeviceCredentials.of(
                Optional.of(token),
                Optional.of(pki.caPem()),
                Optional.empty(),
                Optional.empty()))) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      Simulator.run(
          new Simulation(
              URI.create("https://localhost:" + gateway.port() + "/"),
              "wdbc-malignancy",
              20,
              0,
              Duration.ofMillis(1000),
              1,
              0.02,
              "ignored-without-a-trusted-proxy",
              Duration.ofMillis(500),
              List.of()),
          TestSplit.shipped(),
          new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8),
          access);
      String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(printed.contains("(200: "), printed);
      assertTrue(printed.contains("4xx: 0"), printed);
    }
  }

  @Test
  void aTrustedProxysIdentityHeaderNamesTheDevice() throws Exception {
    gateway = Gateway.start(tls(List.of("127.0.0.1")));
    HttpResponse<String> r = send(Pki.Client.GOOD, null, "ward-3-pump-12");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("ward-3-pump-12", deviceOf(r));
  }

  private String refusal(Pki.Client c, String token) throws Exception {
    try {
      HttpResponse<String> r = send(c, token, null);
      return r.statusCode() == 401
          ? "401 " + new JsonObject(r.body()).getString("error")
          : "served";
    } catch (IOException e) {
      return "handshake: " + e;
    }
  }

  private HttpResponse<String> send(Pki.Client c, String token, String header) throws Exception {
    return infer(client(c), token, header);
  }

  private HttpClient client(Pki.Client c) throws Exception {
    return client(pki, c);
  }

  private static HttpClient client(Pki pki, Pki.Client c) throws Exception {
    SSLContext context = pki.client(c);
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private HttpResponse<String> infer(HttpClient client, String token, String header)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + INFER))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(BODY));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (header != null) {
      b.header("X-Device-Id", header);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theGrpcBindingKnowsTheSameDevicesOverTheSameTls() throws Exception {
    Credentials devices = Credentials.open(dataDir, Credentials.Kind.DEVICES);
    String token = devices.addToken("monitor-7", Optional.empty());
    gateway = Gateway.start(tls(List.of()));

    // a good client certificate, and a token in the call's metadata: served, each recorded as its
    // device
    assertEquals("pump-1", grpcDevice(pki.goodClientPem(), pki.goodClientKey(), null));
    assertEquals("monitor-7", grpcDevice(null, null, token));

    // an unknown token, and no credential: UNAUTHENTICATED, saying why
    io.grpc.StatusRuntimeException unknown =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.grpc.StatusRuntimeException.class,
            () -> grpcDevice(null, null, "vigil_dev_000000000000_nope"));
    assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());
    assertEquals("the bearer token is unknown or revoked", unknown.getStatus().getDescription());
    io.grpc.StatusRuntimeException none =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.grpc.StatusRuntimeException.class, () -> grpcDevice(null, null, null));
    assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
    assertTrue(
        none.getStatus().getDescription().contains("known devices only"),
        none.getStatus().getDescription());
  }

  /**
   * One inference over gRPC and TLS with grpc-java's client, presenting the certificate and key (or
   * none) and the token (or none); the device the ledger names for it.
   */
  private String grpcDevice(java.nio.file.Path cert, java.nio.file.Path key, String token)
      throws Exception {
    io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder ssl =
        io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient()
            .trustManager(pki.caPem().toFile());
    if (cert != null) {
      ssl.keyManager(cert.toFile(), key.toFile());
    }
    io.grpc.ManagedChannel channel =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                "localhost", gateway.grpcPort())
            .sslContext(ssl.build())
            .build();
    try {
      var stub =
          io.vigil.gateway.grpc.oip.GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
      if (token != null) {
        io.grpc.Metadata metadata = new io.grpc.Metadata();
        metadata.put(
            io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
            "Bearer " + token);
        stub =
            stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata));
      }
      io.vigil.gateway.grpc.oip.ModelInferResponse answer =
          stub.modelInfer(
              io.vigil.gateway.grpc.oip.ModelInferRequest.newBuilder()
                  .setModelName("test-model")
                  .addInputs(
                      io.vigil.gateway.grpc.oip.ModelInferRequest.InferInputTensor.newBuilder()
                          .setName("x")
                          .setDatatype("FP32")
                          .addShape(1)
                          .addShape(3)
                          .setContents(
                              io.vigil.gateway.grpc.oip.InferTensorContents.newBuilder()
                                  .addFp32Contents(1)
                                  .addFp32Contents(2)
                                  .addFp32Contents(3)))
                  .build());
      long seq = answer.getParametersOrThrow("audit_seq").getInt64Param();
      gateway.ledger().orElseThrow().checkpoint().join();
      try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
        return ((PredictionEntry) reader.entries(seq, seq + 1).get(0).entry()).deviceId();
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private String deviceOf(HttpResponse<String> r) throws Exception {
    long seq = new JsonObject(r.body()).getJsonObject("parameters").getLong("audit_seq");
    gateway.ledger().orElseThrow().checkpoint().join();
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return ((PredictionEntry) reader.entries(seq, seq + 1).get(0).entry()).deviceId();
    }
  }

  private VigilConfig tls(List<String> proxies) {
    return tls(proxies, false);
  }

  /** A gateway on TLS with the test PKI, devices required to authenticate; the demo if asked. */
  private VigilConfig tls(List<String> proxies, boolean demo) {
    VigilConfig c = TestGateways.config(dataDir);
    ServerConfig s = c.server();
    TlsConfig tls =
        new TlsConfig("server", pki.serverPem(), pki.serverKey(), pki.caPem(), pki.crl());
    return TestGateways.withServer(
        demo ? c : TestGateways.withoutDemo(c),
        new ServerConfig(
            s.host(),
            s.port(),
            s.maxBodyBytes(),
            s.maxInflightBodyBytes(),
            "X-Device-Id",
            new DeviceAccess(tls, false, DeviceAccess.Authentication.REQUIRED, proxies),
            s.limits()));
  }
}
