package io.vigil.gateway.evidence;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the report states, every fact taken from the data directory: the HTML and the JSON report
 * are two renderings of one {@code Facts}.
 */
record Facts(
    String model,
    Instant from,
    Instant to,
    Instant generated,
    String gatewayVersion,
    Verification verification,
    List<Version> versions,
    List<Count> counts,
    List<Daily> daily,
    List<Window> windows,
    List<SafetyEvent> safetyEvents,
    List<Rollback> rollbacks,
    List<SignedCheckpoint> checkpoints,
    List<Proof> proofs) {

  Facts {
    versions = List.copyOf(versions);
    counts = List.copyOf(counts);
    daily = List.copyOf(daily);
    windows = List.copyOf(windows);
    safetyEvents = List.copyOf(safetyEvents);
    rollbacks = List.copyOf(rollbacks);
    checkpoints = List.copyOf(checkpoints);
    proofs = List.copyOf(proofs);
  }

  /** The predictions of the model in the period. */
  long predictions() {
    return counts.stream().mapToLong(Count::count).sum();
  }

  /**
   * What the verification of the whole ledger found before anything was written.
   *
   * @param entries the entries recomputed and checked
   * @param checkpoints the signed checkpoints checked
   * @param segments the archive segments checked
   * @param latest the latest signed checkpoint, against which the tree was recomputed
   * @param keyName the verifier key's name (the ledger's origin)
   * @param keyId the verifier key's id, hex
   * @param verifierKey the verifier key as {@code vigil identity} prints it
   * @param verifiedAt when it was verified
   */
  record Verification(
      long entries,
      long checkpoints,
      long segments,
      SignedCheckpoint latest,
      String keyName,
      String keyId,
      String verifierKey,
      Instant verifiedAt) {}

  /**
   * One version of the model that answered, was installed or changed state in the period.
   *
   * @param active the periods it was the model's active version, clipped to the report's period
   * @param installed how it entered the store: the ledger's {@code bundle.installed} event
   * @param decisions the update gate's and the operators' decisions about it
   * @param tuf the TUF targets metadata trusted now that lists its bundle
   * @param qualification the qualification evidence in its bundle
   */
  record Version(
      String version,
      long release,
      String bundleSha256,
      List<Activation> active,
      Optional<Installed> installed,
      List<Decision> decisions,
      Optional<TufTarget> tuf,
      Optional<Qualification> qualification,
      List<String> notes) {
    Version {
      active = List.copyOf(active);
      decisions = List.copyOf(decisions);
      notes = List.copyOf(notes);
    }
  }

  /** A period in which a version was active; {@code end} is empty while it still is. */
  record Activation(Instant start, Optional<Instant> end, String how) {}

  /** The install event: when, who, and the approval it names (repository, target, versions). */
  record Installed(Instant time, long seq, String actor, Map<String, Object> approval) {
    Installed {
      approval = Map.copyOf(approval);
    }
  }

  /** An update-gate or operator decision: {@code update.approved}, {@code update.promoted}, ... */
  record Decision(Instant time, long seq, String type, String actor, String reason) {}

  /**
   * The target as the trusted targets metadata lists it now.
   *
   * @param signers the key ids whose signatures on the targets metadata verify against the trusted
   *     root
   * @param threshold the targets role's threshold in the trusted root
   */
  record TufTarget(
      String repository,
      String target,
      long targetsVersion,
      Instant expires,
      List<String> signers,
      int threshold,
      long length,
      String sha256,
      String custom) {
    TufTarget {
      signers = List.copyOf(signers);
    }
  }

  /**
   * The qualification evidence of a bundle: claimed metrics, confusion matrices, golden vectors;
   * and the PSI thresholds its manifest sets for drift.
   */
  record Qualification(
      String dataset,
      List<Metric> metrics,
      Map<String, String> confusion,
      int goldenVectors,
      double goldenTolerance,
      Map<String, String> evidenceFiles,
      double psiWarn,
      double psiAlert) {
    Qualification {
      metrics = List.copyOf(metrics);
      confusion = Map.copyOf(confusion);
      evidenceFiles = Map.copyOf(evidenceFiles);
    }
  }

  /** A claimed metric with its 95% interval and the PCCP's floor. */
  record Metric(
      String name, String subgroup, double value, double ciLow, double ciHigh, double floor) {}

  /** Predictions of one version answered in one safety state. */
  record Count(String version, String safety, long count) {}

  /** Predictions of one version on one UTC day. */
  record Daily(LocalDate day, String version, long count) {}

  /**
   * A closed monitoring window, as its {@code monitoring.window} event holds it.
   *
   * @param drifting the PSI of each feature that drifted in it (the event lists no other)
   */
  record Window(
      Instant time,
      long seq,
      String version,
      long index,
      long rows,
      String level,
      double positiveRate,
      double lowerLimit,
      double upperLimit,
      double scorePsi,
      Map<String, Double> drifting,
      List<String> reasons) {
    Window {
      drifting = Map.copyOf(drifting);
      reasons = List.copyOf(reasons);
    }
  }

  /** A change of a version's safety level ({@code safety.changed}). */
  record SafetyEvent(
      Instant time,
      long seq,
      String version,
      String from,
      String to,
      String actor,
      List<String> reasons) {
    SafetyEvent {
      reasons = List.copyOf(reasons);
    }
  }

  /** A rollback ({@code model.rolled_back}). */
  record Rollback(
      Instant time, long seq, String fromVersion, String toVersion, String actor, String reason) {}

  /**
   * A signed checkpoint.
   *
   * @param firstSeq the first entry it adds to the previous checkpoint's tree
   * @param lastEntryTime the time of the last entry it covers
   */
  record SignedCheckpoint(
      long size,
      String rootBase64,
      String rootHex,
      String note,
      long firstSeq,
      Optional<Instant> lastEntryTime) {}

  /**
   * An asked prediction with its inclusion proof, checked before it was written.
   *
   * @param entry the canonical entry, as hashed into its leaf
   * @param proofJson what {@code vigil audit prove} prints, for {@code vigil audit check-proof}
   */
  record Proof(
      String requestId,
      long seq,
      Instant time,
      String version,
      boolean inputStored,
      String leafHashHex,
      long treeSize,
      List<String> pathHex,
      String checkpointNote,
      String entry,
      String proofJson) {
    Proof {
      pathHex = List.copyOf(pathHex);
    }
  }
}
