package io.vigil.gateway.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.cli.Cli;
import io.vigil.gateway.config.AuditConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.inference.TestBundles;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Old entries leave the database for sealed segments, and stay verifiable, provable, replayable.
 */
class RetentionTest {

  @TempDir Path dataDir;

  @Test
  void theGatewaySealsOldSegmentsAndTheLedgerStillVerifies() throws Exception {
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    VigilConfig base = TestGateways.config(dataDir);
    AuditConfig a = base.audit();
    AuditConfig small =
        new AuditConfig(
            a.durability(),
            a.storeInputs(),
            10,
            a.checkpointInterval(),
            a.origin(),
            40,
            16,
            Duration.ofMillis(1000),
            a.minFreeSpace());
    VigilConfig config =
        new VigilConfig(
            base.dataDir(),
            base.server(),
            base.inference(),
            small,
            base.admin(),
            base.trust(),
            base.monitoring(),
            base.sync(),
            base.grpc(),
            base.installDemoBundle(),
            base.shutdownGrace());
    HttpClient client = HttpClient.newHttpClient();
    Gateway gateway = Gateway.start(config);
    try {
      for (int i = 0; i < 120; i++) {
        assertEquals(200, TestGateways.inferTestRow(client, gateway.port(), i % 50));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      // Sealing writes the segment's file first and its ledger.archived event after: wait for
      // both, or a gateway closed in between leaves the event unwritten.
      while ((segments() < 4 || !archivedRecorded()) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    } finally {
      gateway.close();
    }

    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      assertTrue(reader.segments().size() >= 4, "sealed: " + reader.segments());
      assertTrue(
          reader.verify(gateway.ledger().orElseThrow().verifierKey()).ok(),
          "verify reads the segments");
      StoredEntry archived = reader.entries(20, 21).get(0);
      assertTrue(
          archived.entry() instanceof PredictionEntry, "entry 20 is read back from its segment");
      reader.prove(20);
      assertTrue(
          reader.entries(0, reader.size()).stream()
              .anyMatch(
                  e -> e.entry() instanceof EventEntry ev && ev.type().equals("ledger.archived")),
          "sealing is an event in the ledger itself");
    }
    Cli.Result replay = Cli.run("audit", "replay", "--data-dir", dataDir.toString());
    assertEquals(0, replay.status(), replay.out() + replay.err());
    assertTrue(replay.out().contains("ok: 120 predictions replayed"), replay.out());
  }

  private boolean archivedRecorded() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size()).stream()
          .anyMatch(e -> e.entry() instanceof EventEntry ev && ev.type().equals("ledger.archived"));
    }
  }

  private long segments() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.segments().size();
    }
  }
}
