package io.vigil.gateway.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.audit.AuditException;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.VerifierKey;
import io.vigil.sync.message.LedgerCheckpoint;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.outbox.DropMarker;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.TrustException;
import io.vigil.trust.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The receiving side of {@code vigil fleet watch}: given each message the fleet subscription
 * delivers, it verifies it against the registered keys, drops resends, checks the summary's ledger
 * checkpoint against the gateway's earlier ones and stores what it accepted.
 *
 * <p>Checkpoints are compared by tree size and root hash: a tree never shrinks from one message to
 * a later one, and two checkpoints of one size have one root. Each summary also carries an RFC 9162
 * consistency proof from the checkpoint of the gateway's previous summary, which {@link ProofCheck}
 * verifies against the checkpoints stored of both sizes.
 *
 * <p>Blocking (SQLite) and not thread-safe: call it from one worker thread, never an event loop.
 */
public final class FleetWatch {

  private final GatewayRegistry registry;
  private final FleetStore store;
  private final ProofCheck proofs;
  private final Clock clock;

  private FleetWatch(GatewayRegistry registry, FleetStore store, Clock clock) {
    this.registry = registry;
    this.store = store;
    this.proofs = new ProofCheck(store);
    this.clock = clock;
  }

  /** A watch of {@code registry}'s gateways that keeps what it accepts in {@code store}. */
  public static FleetWatch create(GatewayRegistry registry, FleetStore store, Clock clock) {
    return new FleetWatch(registry, store, clock);
  }

  /**
   * Verifies, de-duplicates, checks and stores one message as received on {@code topic} ({@code
   * vigil/v1/{fleet}/{gateway}/...}); a refusal is stored and counted, never thrown.
   */
  public Outcome accept(String topic, byte[] message) {
    Instant now = clock.instant();
    try {
      Outcome outcome = decide(topic, message, now);
      store.commit();
      return outcome;
    } catch (RuntimeException e) {
      store.rollback();
      throw e;
    }
  }

  private Outcome decide(String topic, byte[] message, Instant now) {
    String claimed = claimedGateway(message).orElse("");
    if (claimed.isEmpty()) {
      return refuse(topic, "", Outcome.Reason.MALFORMED, "not a signed gateway message", now);
    }
    if (!registry.registered(claimed)) {
      return refuse(
          topic,
          claimed,
          Outcome.Reason.UNREGISTERED,
          "gateway '" + claimed + "' is not registered",
          now);
    }
    Verifier.Received m;
    try {
      m = registry.verifier().verify(message);
    } catch (TrustException e) {
      Outcome.Reason reason =
          e.code() == TrustException.Code.MALFORMED
              ? Outcome.Reason.MALFORMED
              : Outcome.Reason.BAD_SIGNATURE;
      return refuse(topic, claimed, reason, e.getMessage(), now);
    }
    if (!m.gateway().equals(topicGateway(topic))) {
      return refuse(
          topic,
          m.gateway(),
          Outcome.Reason.TOPIC_MISMATCH,
          "message of '" + m.gateway() + "' on topic " + topic,
          now);
    }
    if (!store.insert(m, topic, now)) {
      boolean sameBody =
          store.body(m.gateway(), m.seq()).map(b -> Arrays.equals(b, m.body())).orElse(true);
      if (!sameBody) {
        store.alert(
            new Alert(
                m.gateway(),
                m.seq(),
                now,
                Alert.SEQ_REUSED,
                "seq " + m.seq() + " came again with another body"));
      }
      return new Outcome.Duplicate(m.gateway(), m.seq());
    }
    List<Alert> alerts = new ArrayList<>();
    JsonNode body = Json.parse(m.body());
    if (m.kind() == Kind.DROPPED) {
      store.dropMarker(m.gateway(), m.seq(), DropMarker.parse(m.body()));
    } else if (m.kind() == Kind.SUMMARY && body.path("ledger_checkpoint").isTextual()) {
      checkCheckpoint(m, body, now, alerts);
    }
    alerts.forEach(store::alert);
    return new Outcome.Accepted(m.gateway(), m.seq(), m.kind(), alerts);
  }

  private void checkCheckpoint(
      Verifier.Received m, JsonNode body, Instant now, List<Alert> alerts) {
    String note = body.path("ledger_checkpoint").textValue();
    VerifierKey key;
    Checkpoint c;
    try {
      new LedgerCheckpoint(note);
      // Signed under the origin's name (the first line), which need not be the gateway's name.
      key =
          registry.checkpointKey(m.gateway(), note.substring(0, note.indexOf('\n'))).orElseThrow();
      c = Checkpoint.open(note, key);
    } catch (AuditException | IllegalArgumentException e) {
      alerts.add(
          new Alert(
              m.gateway(),
              m.seq(),
              now,
              Alert.CHECKPOINT_SIGNATURE,
              "the checkpoint in summary " + m.seq() + " does not verify: " + e.getMessage()));
      return;
    }
    String root = c.root().base64();
    Optional<Alert> alert =
        store
            .forkOf(m.gateway(), c.size(), root)
            .map(
                other ->
                    new Alert(
                        m.gateway(),
                        m.seq(),
                        now,
                        Alert.CHECKPOINT_FORK,
                        "size "
                            + c.size()
                            + " has root "
                            + root
                            + " in summary "
                            + m.seq()
                            + " but "
                            + other.root()
                            + " in summary "
                            + other.seq()))
            .or(
                () ->
                    store
                        .orderConflict(m.gateway(), m.seq(), c.size())
                        .map(
                            other ->
                                new Alert(
                                    m.gateway(),
                                    m.seq(),
                                    now,
                                    Alert.CHECKPOINT_ROLLBACK,
                                    "summary "
                                        + m.seq()
                                        + " has tree size "
                                        + c.size()
                                        + ", summary "
                                        + other.seq()
                                        + " had "
                                        + other.size())));
    store.checkpoint(m.gateway(), m.seq(), c.size(), root, note);
    alert.ifPresent(alerts::add);
    alerts.addAll(proofs.check(m.gateway(), m.seq(), body.path("ledger_consistency"), c, key, now));
  }

  private Outcome refuse(
      String topic, String gateway, Outcome.Reason reason, String detail, Instant now) {
    store.refused(topic, gateway, reason, detail, now);
    return new Outcome.Refused(reason, detail);
  }

  /** The gateway a message's payload names, before anything about it is trusted. */
  private static Optional<String> claimedGateway(byte[] message) {
    try {
      JsonNode envelope = Json.parse(message);
      JsonNode payload =
          Json.parse(Base64.getDecoder().decode(envelope.path("payload").asText("")));
      JsonNode gateway = payload.path("gateway");
      return gateway.isTextual() && !gateway.textValue().isEmpty()
          ? Optional.of(gateway.textValue())
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The {gateway} level of {@code vigil/v1/{fleet}/{gateway}/...}, or "" if there is none. */
  private static String topicGateway(String topic) {
    String[] levels = topic.split("/", -1);
    return levels.length >= 5 ? levels[3] : "";
  }
}
