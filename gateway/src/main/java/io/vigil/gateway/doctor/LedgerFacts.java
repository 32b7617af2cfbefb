package io.vigil.gateway.doctor;

import io.vigil.audit.Checkpoint;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the checks need to know of the ledger, read in one snapshot by its own read-only reader: it
 * runs beside a writing gateway without holding it up.
 *
 * @param origin the name its checkpoints are signed under
 * @param size its entries, archived ones included
 * @param first the oldest entry's time, when there is one
 * @param last the newest entry's time, when there is one
 * @param checkpoint the latest signed checkpoint, when there is one
 */
record LedgerFacts(
    String origin,
    long size,
    Optional<Instant> first,
    Optional<Instant> last,
    Optional<Checkpoint> checkpoint) {

  /** The facts of the ledger at {@code database}, or empty when there is no ledger. */
  static Optional<LedgerFacts> read(Path database) {
    if (!Files.isRegularFile(database)) {
      return Optional.empty();
    }
    try (LedgerReader reader = LedgerReader.openUntouched(database)) {
      long size = reader.size();
      Optional<Instant> first = size == 0 ? Optional.empty() : time(reader.entries(0, 1));
      Optional<Instant> last = size == 0 ? Optional.empty() : time(reader.entries(size - 1, size));
      return Optional.of(
          new LedgerFacts(reader.origin(), size, first, last, reader.latestCheckpoint()));
    }
  }

  private static Optional<Instant> time(List<StoredEntry> entries) {
    return entries.stream().findFirst().map(StoredEntry::time);
  }
}
