package io.vigil.sync.message;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a gateway tells its manufacturer every period: aggregates only, never a request's values, id
 * or device. Dropping one loses its period's latency percentiles and the drift windows that closed
 * in it (their safety consequences travel as safety events too); the counts are cumulative since
 * {@link #countersSince()}, so the next summary carries them, and the inventory and checkpoint are
 * the latest anyway.
 *
 * @param periodStart when the period began (the previous summary's end)
 * @param periodEnd when it ended
 * @param countersSince since when the counts run (the gateway's start)
 * @param softwareVersion the gateway's version
 * @param outcomes each model version's outcome counts, cumulative, the latest the gateway has: the
 *     real-world performance evidence of the manufacturer's PCCP
 * @param checkpoint the ledger's latest signed checkpoint
 * @param consistency the proof that {@code checkpoint}'s tree extends that of the checkpoint in the
 *     gateway's previous summary; only with a checkpoint, and of its size
 */
public record Summary(
    Instant periodStart,
    Instant periodEnd,
    Instant countersSince,
    String softwareVersion,
    List<ModelStats> models,
    List<DriftWindow> windows,
    List<SafetyChange> safetyChanges,
    List<InventoryItem> inventory,
    List<OutcomeCounts> outcomes,
    Optional<LedgerCheckpoint> checkpoint,
    Optional<LedgerConsistency> consistency) {
  public Summary {
    Tokens.version("software_version", softwareVersion);
    if (periodEnd.isBefore(periodStart)) {
      throw new IllegalArgumentException("period ends before it starts");
    }
    if (consistency.isPresent()
        && (checkpoint.isEmpty() || checkpoint.get().size() != consistency.get().newSize())) {
      throw new IllegalArgumentException(
          "a consistency proof must end at the size of the summary's checkpoint");
    }
    models = List.copyOf(models);
    windows = List.copyOf(windows);
    safetyChanges = List.copyOf(safetyChanges);
    inventory = List.copyOf(inventory);
    outcomes = List.copyOf(outcomes);
  }
}
