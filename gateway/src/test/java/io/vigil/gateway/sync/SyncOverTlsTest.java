package io.vigil.gateway.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.link.TlsFiles;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.sync.testing.TestPki;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running gateway's link over TLS with client certificates, configured as a hospital would
 * (`sync.broker: ssl://...`, `sync.ca-file`, `sync.cert-file`, `sync.key-file`), against HiveMQ CE
 * embedded with a TLS listener that asks for client certificates: a signed summary arrives; a
 * gateway that trusts another CA never connects.
 */
class SyncOverTlsTest {

  @TempDir Path dataDir;
  @TempDir Path brokerDir;
  @TempDir Path pkiDir;

  private final Vertx vertx = Vertx.vertx();
  private TestPki pki;
  private EmbeddedBroker broker;
  private Gateway gateway;
  private MqttLink watcher;

  @BeforeEach
  void aBrokerWithTls() {
    pki = TestPki.create(pkiDir);
    broker = EmbeddedBroker.startWithTls(brokerDir, pki);
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (watcher != null) {
      watcher.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    broker.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aGatewayWithItsClientCertificatePublishesSignedSummariesOverTls() throws Exception {
    VigilConfig config = config(pki.client());
    gateway = Gateway.start(config);
    SyncService sync = gateway.sync().orElseThrow();
    sync.connected().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);

    String gw = sync.topics().gateway();
    Verifier verifier = Verifier.create(Map.of(gw, Ledgers.identity(config).publicKey()));
    ConcurrentLinkedQueue<byte[]> summaries = new ConcurrentLinkedQueue<>();
    watcher =
        MqttLink.create(
            vertx, LinkOptions.plain(broker.tcpUri(), "watcher", "vigil/v1/watchers/w/status"));
    watcher.subscribe(
        "vigil/v1/" + OnBroker.FLEET + "/" + gw + "/summary", m -> summaries.add(m.payload()));
    watcher.start();
    watcher.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    long seq = sync.summaryNow().toCompletionStage().toCompletableFuture().get();
    for (int i = 0; i < 100 && summaries.isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertFalse(summaries.isEmpty(), "a summary arrived over the TLS link");
    assertEquals(seq, verifier.verify(summaries.peek()).seq());
  }

  @Test
  void aGatewayThatTrustsAnotherCaNeverConnects() throws Exception {
    gateway = Gateway.start(config(pki.clientTrustingWrongCa()));
    SyncService sync = gateway.sync().orElseThrow();
    assertThrows(
        TimeoutException.class,
        () -> sync.connected().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(gateway.models().hasModels(), "the gateway serves without its link");
  }

  private VigilConfig config(TlsFiles tls) {
    return OnBroker.withTls(
        OnBroker.config(
            TestGateways.config(dataDir),
            "",
            OnBroker.FLEET,
            "gw-tls",
            TestGateways.config(dataDir).monitoring(),
            SyncConfig.defaults().outboxMaxBytes()),
        broker.tlsUri(TestPki.Server.GOOD),
        tls);
  }
}
