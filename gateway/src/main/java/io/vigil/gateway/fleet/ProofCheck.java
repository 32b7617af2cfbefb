package io.vigil.gateway.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.audit.AuditException;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.ConsistencyProof;
import io.vigil.audit.Hash;
import io.vigil.audit.VerifierKey;
import io.vigil.sync.message.LedgerConsistency;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the RFC 9162 consistency proof a summary carries from the checkpoint of the gateway's
 * previous summary to its own, against the checkpoints stored of both sizes. A proof whose older
 * checkpoint has not arrived (a summary dropped, or received later) waits in the store and is
 * checked when a checkpoint of that size comes; one that never comes leaves it unchecked.
 */
final class ProofCheck {

  private final FleetStore store;

  ProofCheck(FleetStore store) {
    this.store = store;
  }

  /**
   * The alerts about summary {@code seq}'s proof {@code proof} (a missing node when it carries
   * none) to its verified checkpoint {@code latest}, and about proofs that waited for a checkpoint
   * of its size; {@code latest} is stored already.
   */
  List<Alert> check(
      String gateway, long seq, JsonNode proof, Checkpoint latest, VerifierKey key, Instant now) {
    List<Alert> alerts = new ArrayList<>();
    if (proof.isMissingNode()) {
      if (store.sentProofBefore(gateway, seq)) {
        alerts.add(
            new Alert(
                gateway,
                seq,
                now,
                Alert.CONSISTENCY_MISSING,
                "summary "
                    + seq
                    + " has a checkpoint of size "
                    + latest.size()
                    + " without the consistency proof that earlier summaries carried"));
      }
    } else {
      checkOne(gateway, seq, proof, latest, key, now).ifPresent(alerts::add);
    }
    for (FleetStore.PendingProof p : store.pendingProofs(gateway, latest.size())) {
      if (p.seq() != seq) {
        failure(
                gateway,
                p.seq(),
                ConsistencyProof.fromJson(p.proof()),
                latest.note(),
                p.newNote(),
                key,
                now)
            .ifPresent(alerts::add);
        store.proofChecked(gateway, p.seq());
      }
    }
    return alerts;
  }

  private Optional<Alert> checkOne(
      String gateway, long seq, JsonNode node, Checkpoint latest, VerifierKey key, Instant now) {
    ConsistencyProof proof;
    try {
      LedgerConsistency shape = parse(node);
      proof =
          new ConsistencyProof(
              shape.oldSize(),
              shape.newSize(),
              shape.path().stream().map(Hash::fromBase64).toList());
    } catch (IllegalArgumentException e) {
      return Optional.of(
          new Alert(
              gateway,
              seq,
              now,
              Alert.CONSISTENCY_FAILED,
              "summary " + seq + " carries a malformed consistency proof: " + e.getMessage()));
    }
    if (proof.oldSize() == 0) {
      // Every tree extends the empty one: nothing to check, nothing to wait for.
      store.proof(gateway, seq, 0, proof.toJson(), true);
      return Optional.empty();
    }
    Optional<String> older = store.checkpointNote(gateway, proof.oldSize());
    store.proof(gateway, seq, proof.oldSize(), proof.toJson(), older.isPresent());
    return older.flatMap(note -> failure(gateway, seq, proof, note, latest.note(), key, now));
  }

  private static Optional<Alert> failure(
      String gateway,
      long seq,
      ConsistencyProof proof,
      String olderNote,
      String newerNote,
      VerifierKey key,
      Instant now) {
    try {
      proof.check(olderNote, newerNote, key);
      return Optional.empty();
    } catch (AuditException e) {
      return Optional.of(
          new Alert(
              gateway,
              seq,
              now,
              Alert.CONSISTENCY_FAILED,
              "the consistency proof in summary " + seq + " does not hold: " + e.getMessage()));
    }
  }

  private static LedgerConsistency parse(JsonNode node) {
    if (!node.isObject()
        || !node.path("old_size").isIntegralNumber()
        || !node.path("new_size").isIntegralNumber()
        || !node.path("path").isArray()
        || node.size() != 3) {
      throw new IllegalArgumentException("need {new_size, old_size, path}");
    }
    List<String> path = new ArrayList<>();
    for (JsonNode h : node.path("path")) {
      if (!h.isTextual()) {
        throw new IllegalArgumentException("path holds a non-string");
      }
      path.add(h.textValue());
    }
    return new LedgerConsistency(
        node.path("old_size").longValue(), node.path("new_size").longValue(), path);
  }
}
