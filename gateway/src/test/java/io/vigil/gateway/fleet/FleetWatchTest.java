package io.vigil.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.gateway.fleet.Fleet.Gateway;
import io.vigil.gateway.fleet.Fleet.TestClock;
import io.vigil.sync.message.LedgerConsistency;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetWatchTest {

  @TempDir Path dir;

  private Path keys;
  private Gateway ward;
  private Gateway icu;
  private GatewayRegistry registry;
  private FleetStore store;
  private FleetWatch watch;
  private final TestClock clock = new TestClock();

  @BeforeEach
  void fleet() throws Exception {
    keys = Files.createDirectories(dir.resolve("registered"));
    ward = new Gateway(dir, "gw-ward-3").registerIn(keys);
    icu = new Gateway(dir, "gw-icu-1").registerIn(keys);
    registry = GatewayRegistry.read(keys);
    open();
  }

  @AfterEach
  void close() {
    store.close();
    ward.close();
    icu.close();
  }

  private void open() {
    store = FleetStore.open(dir.resolve("fleet.db"));
    watch = FleetWatch.create(registry, store, clock);
  }

  private Outcome accept(Gateway g, byte[] message) {
    clock.advance(Duration.ofSeconds(1));
    return watch.accept(Fleet.topic(g.name), message);
  }

  @Test
  void readsTheRegisteredGatewaysFromTheirPubFiles() {
    assertEquals(List.of("gw-icu-1", "gw-ward-3"), registry.gateways());
    assertEquals(
        ward.key.publicKeyRaw().length,
        registry.checkpointKey("gw-ward-3").orElseThrow().publicKey().length);
    assertTrue(registry.checkpointKey("gw-unknown").isEmpty());
  }

  @Test
  void acceptsASignedSummaryAndKeepsItsCheckpoint() {
    Outcome o = accept(ward, ward.summary(1, Optional.of(ward.grow(5))));

    Outcome.Accepted a = assertInstanceOf(Outcome.Accepted.class, o);
    assertEquals("gw-ward-3", a.gateway());
    assertEquals(1, a.seq());
    assertEquals(Kind.SUMMARY, a.kind());
    assertEquals(List.of(), a.alerts());
    GatewayStatus s = store.status("gw-ward-3");
    assertEquals(1, s.summaries());
    assertEquals(OptionalLong.of(5), s.checkpointSize());
    assertEquals(List.of("sepsis 1.2.0 normal (active)"), s.models());
    assertEquals(Optional.of(clock.instant()), s.lastSeen());
  }

  @Test
  void acceptsAndCountsACommandRefusedEvent() {
    Outcome o =
        watch.accept(
            "vigil/v1/" + Fleet.FLEET + "/gw-ward-3/events",
            ward.commandRefused(1, "summary_now", "unsigned"));

    Outcome.Accepted a = assertInstanceOf(Outcome.Accepted.class, o);
    assertEquals(Kind.EVENT, a.kind());
    assertEquals(1, store.status("gw-ward-3").events());
  }

  @Test
  void removesAResendOfTheSameSeq() {
    byte[] first = ward.summary(1, Optional.of(ward.grow(3)));
    accept(ward, first);

    Outcome o = accept(ward, first);

    assertEquals(new Outcome.Duplicate("gw-ward-3", 1), o);
    GatewayStatus s = store.status("gw-ward-3");
    assertEquals(1, s.summaries());
    assertEquals(1, s.duplicates());
    assertEquals(List.of(), store.alerts());
  }

  @Test
  void removesAResendAfterTheStoreIsReopened() {
    byte[] first = ward.summary(1, Optional.of(ward.grow(3)));
    accept(ward, first);
    store.close();
    open();

    // A resend is signed again with a later sent_at: same (gateway, seq), same body.
    Outcome o = accept(ward, ward.summary(1, Optional.of(ward.grow(0))));

    assertEquals(new Outcome.Duplicate("gw-ward-3", 1), o);
    assertEquals(1, store.status("gw-ward-3").summaries());
    assertEquals(1, store.status("gw-ward-3").duplicates());
  }

  @Test
  void refusesATamperedMessage() {
    byte[] signed = ward.summary(1, Optional.empty());
    ObjectNode envelope = (ObjectNode) Json.parse(signed);
    String payload =
        new String(
            Base64.getDecoder().decode(envelope.get("payload").textValue()),
            StandardCharsets.UTF_8);
    envelope.put(
        "payload",
        Base64.getEncoder()
            .encodeToString(
                payload
                    .replace("\"level\":\"normal\"", "\"level\":\"warn\"")
                    .getBytes(StandardCharsets.UTF_8)));

    Outcome o = accept(ward, Json.pretty(envelope));

    assertEquals(Outcome.Reason.BAD_SIGNATURE, assertInstanceOf(Outcome.Refused.class, o).reason());
    GatewayStatus s = store.status("gw-ward-3");
    assertEquals(0, s.summaries());
    assertEquals(1, s.refused());
  }

  @Test
  void refusesAMessageFromAnUnregisteredGateway() throws Exception {
    try (Gateway stranger = new Gateway(dir, "gw-stranger")) {
      Outcome o = accept(stranger, stranger.summary(1, Optional.empty()));

      assertEquals(
          Outcome.Reason.UNREGISTERED, assertInstanceOf(Outcome.Refused.class, o).reason());
      assertEquals(1, store.refusedUnregistered());
    }
  }

  @Test
  void refusesAMessageSignedWithAnotherGatewaysKey() {
    // The ICU's gateway signs in the ward's name, with its own registered key.
    IdentityKey posing = IdentityKey.load(icu.dir.resolve("keys"), "gw-ward-3");
    byte[] forged =
        io.vigil.sync.message.SignedMessage.sign(
                posing,
                Kind.SUMMARY,
                1,
                Fleet.START,
                io.vigil.sync.message.MessageJson.summary(
                    new io.vigil.sync.message.SummaryBuilder(Fleet.START, "1.0.0")
                        .close(Fleet.START)))
            .toJson();

    Outcome o = accept(ward, forged);

    assertEquals(Outcome.Reason.BAD_SIGNATURE, assertInstanceOf(Outcome.Refused.class, o).reason());
    assertEquals(0, store.status("gw-ward-3").summaries());
    assertEquals(0, store.status("gw-icu-1").summaries());
  }

  @Test
  void refusesAGatewaysMessageOnAnotherGatewaysTopic() {
    Outcome o = watch.accept(Fleet.topic("gw-icu-1"), ward.summary(1, Optional.empty()));

    assertEquals(
        Outcome.Reason.TOPIC_MISMATCH, assertInstanceOf(Outcome.Refused.class, o).reason());
  }

  @Test
  void raisesAnAlertWhenACheckpointGoesBack() {
    String at4 = ward.grow(4);
    String at9 = ward.grow(5);
    accept(ward, ward.summary(1, Optional.of(at9)));

    Outcome o = accept(ward, ward.summary(2, Optional.of(at4)));

    List<Alert> alerts = assertInstanceOf(Outcome.Accepted.class, o).alerts();
    assertEquals(1, alerts.size());
    assertEquals(Alert.CHECKPOINT_ROLLBACK, alerts.get(0).code());
    assertEquals(alerts, store.alerts());
    assertEquals(1, store.status("gw-ward-3").alerts());
  }

  @Test
  void raisesAnAlertWhenTheHistoryForksAtTheSameSize() {
    accept(ward, ward.summary(1, Optional.of(ward.grow(6))));
    ward.rewriteHistory();

    Outcome o = accept(ward, ward.summary(2, Optional.of(ward.grow(6))));

    List<Alert> alerts = assertInstanceOf(Outcome.Accepted.class, o).alerts();
    assertEquals(1, alerts.size());
    assertEquals(Alert.CHECKPOINT_FORK, alerts.get(0).code());
  }

  @Test
  void raisesNoAlertWhenAnOlderSummaryArrivesAfterANewerOne() {
    String at2 = ward.grow(2);
    String at7 = ward.grow(5);
    accept(ward, ward.summary(2, Optional.of(at7)));

    Outcome o = accept(ward, ward.summary(1, Optional.of(at2)));

    assertEquals(List.of(), assertInstanceOf(Outcome.Accepted.class, o).alerts());
    assertEquals(OptionalLong.of(7), store.status("gw-ward-3").checkpointSize());
  }

  @Test
  void raisesAnAlertWhenACheckpointIsNotSignedByTheGatewaysKey() {
    // A summary validly signed by the ward, carrying a checkpoint of the ICU's ledger.
    Outcome o = accept(ward, ward.summary(1, Optional.of(icu.grow(3))));

    List<Alert> alerts = assertInstanceOf(Outcome.Accepted.class, o).alerts();
    assertEquals(Alert.CHECKPOINT_SIGNATURE, alerts.get(0).code());
    assertEquals(OptionalLong.empty(), store.status("gw-ward-3").checkpointSize());
  }

  @Test
  void countsGapsThatADroppedMarkerExplainsApartFromThoseNoneDoes() {
    accept(ward, ward.summary(1, Optional.empty()));
    // 2..4 dropped by the full outbox, the marker is 5; 7 and 8 are lost without a word.
    accept(ward, ward.dropped(5, 2, 4));
    accept(ward, ward.summary(6, Optional.empty()));
    accept(ward, ward.summary(9, Optional.empty()));

    GatewayStatus s = store.status("gw-ward-3");
    assertEquals(3, s.gapsExplained());
    assertEquals(2, s.gapsUnexplained());
    assertEquals(3, s.summaries());
  }

  @Test
  void raisesNoAlertWhenEachProofShowsTheLedgerOnlyGrew() {
    accept(ward, ward.summary(1, Optional.of(ward.grow(3))));
    String at8 = ward.grow(5);
    accept(ward, ward.summary(2, at8, ward.proofFrom(3)));

    Outcome o = accept(ward, ward.summary(3, ward.grow(1), ward.proofFrom(8)));

    assertEquals(List.of(), assertInstanceOf(Outcome.Accepted.class, o).alerts());
    assertEquals(List.of(), store.alerts());
  }

  @Test
  void raisesAnAlertWhenAProofIsForged() {
    accept(ward, ward.summary(1, Optional.of(ward.grow(3))));
    String at8 = ward.grow(5);
    LedgerConsistency real = ward.proofFrom(3);
    List<String> path = new java.util.ArrayList<>(real.path());
    path.set(0, "A".repeat(43) + "=");

    Outcome o = accept(ward, ward.summary(2, at8, new LedgerConsistency(3, 8, path)));

    List<Alert> alerts = assertInstanceOf(Outcome.Accepted.class, o).alerts();
    assertEquals(List.of(Alert.CONSISTENCY_FAILED), codes(alerts));
  }

  @Test
  void raisesAnAlertWhenTheHistoryWasRewrittenBeforeTheLedgerGrew() {
    // Sizes differ, so the size and root checks alone see nothing wrong.
    accept(ward, ward.summary(1, Optional.of(ward.grow(6))));
    ward.rewriteHistory();
    String at9 = ward.grow(9);

    Outcome o = accept(ward, ward.summary(2, at9, ward.proofFrom(6)));

    assertEquals(
        List.of(Alert.CONSISTENCY_FAILED),
        codes(assertInstanceOf(Outcome.Accepted.class, o).alerts()));
  }

  @Test
  void raisesAnAlertWhenAProofIsMissingAfterEarlierSummariesCarriedOne() {
    accept(ward, ward.summary(1, Optional.of(ward.grow(3))));
    accept(ward, ward.summary(2, ward.grow(2), ward.proofFrom(3)));

    Outcome o = accept(ward, ward.summary(3, Optional.of(ward.grow(2))));

    assertEquals(
        List.of(Alert.CONSISTENCY_MISSING),
        codes(assertInstanceOf(Outcome.Accepted.class, o).alerts()));
  }

  @Test
  void checksAProofWhenItsOlderCheckpointArrivesLater() {
    String at6 = ward.grow(6);
    ward.rewriteHistory();
    String at9 = ward.grow(9);
    accept(ward, ward.summary(2, at9, ward.proofFrom(6)));

    // Summary 1, resent after a reconnect, arrives last: the proof waited for it.
    Outcome o = accept(ward, ward.summary(1, Optional.of(at6)));

    List<Alert> alerts = assertInstanceOf(Outcome.Accepted.class, o).alerts();
    assertEquals(List.of(Alert.CONSISTENCY_FAILED), codes(alerts));
    assertEquals(2, alerts.get(0).seq());
  }

  private static List<String> codes(List<Alert> alerts) {
    return alerts.stream().map(Alert::code).toList();
  }

  @Test
  void checksCheckpointsWhoseOriginIsNotTheGatewaysNameWithItsRegisteredKey() throws Exception {
    // given the default origin vigil/<host> and the gateway known on MQTT by the host's name
    IdentityKey origin = IdentityKey.load(ward.dir.resolve("keys"), "vigil/gw-ward-3");
    Path db = Files.createDirectories(dir.resolve("by-origin")).resolve("audit.db");
    try (io.vigil.audit.Ledger ledger =
        io.vigil.audit.Ledger.open(
            io.vigil.audit.LedgerOptions.of(db, origin.name()),
            io.vigil.gateway.ledger.Signers.of(origin),
            java.time.Clock.systemUTC())) {
      ledger.append(io.vigil.audit.EventEntry.of("test.entry", "one")).join();
      String note = ledger.checkpoint().join().orElseThrow().note();

      Outcome o = accept(ward, ward.summary(1, Optional.of(note)));

      assertEquals(List.of(), assertInstanceOf(Outcome.Accepted.class, o).alerts());
      assertEquals(OptionalLong.of(1), store.status("gw-ward-3").checkpointSize());
    }
  }
}
