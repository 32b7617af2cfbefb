package io.vigil.sync.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Folds what the gateway observes into summaries: it takes a request's model version, status and
 * latency and nothing else, so that a request's values, id and device cannot reach a summary.
 *
 * <p>Not thread-safe: feed it from one thread (the gateway's summary worker).
 */
public final class SummaryBuilder {

  private final Instant countersSince;
  private final String softwareVersion;
  private Instant periodStart;
  private final Map<ModelRef, Counts> counts = new LinkedHashMap<>();
  private final List<DriftWindow> windows = new ArrayList<>();
  private final List<SafetyChange> changes = new ArrayList<>();
  private final Map<ModelRef, InventoryItem> inventory = new LinkedHashMap<>();
  private final Map<List<String>, OutcomeCounts> outcomes = new LinkedHashMap<>();
  private Optional<LedgerCheckpoint> checkpoint = Optional.empty();
  private Optional<LedgerConsistency> consistency = Optional.empty();

  private static final class Counts {
    long requests;
    long errors;
    final Map<Integer, Long> byStatus = new TreeMap<>();
    LatencyHistogram period = new LatencyHistogram();
  }

  /** A builder whose counts start at {@code countersSince}, the gateway's start. */
  public SummaryBuilder(Instant countersSince, String softwareVersion) {
    this.countersSince = countersSince;
    this.periodStart = countersSince;
    this.softwareVersion = Tokens.version("software_version", softwareVersion);
  }

  /** One answered request: its model version, HTTP status and latency in microseconds. */
  public void request(ModelRef model, int status, long latencyMicros) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status " + status + " is not an HTTP status");
    }
    Counts c = counts.computeIfAbsent(model, m -> new Counts());
    c.requests++;
    c.errors += status >= 400 ? 1 : 0;
    c.byStatus.merge(status, 1L, Long::sum);
    c.period.record(latencyMicros);
  }

  /** A monitoring window that closed in this period. */
  public void windowClosed(DriftWindow window) {
    windows.add(window);
  }

  /** A safety level change in this period. */
  public void safetyChanged(SafetyChange change) {
    changes.add(change);
  }

  /** The model version is installed (or its level changed); replaces what was said of it. */
  public void installed(InventoryItem item) {
    inventory.put(item.model(), item);
  }

  /** The model version is no longer installed. */
  public void removed(ModelRef model) {
    inventory.remove(model);
  }

  /** A version's latest outcome counts for one population; replaces what was said of it. */
  public void outcomes(OutcomeCounts counts) {
    outcomes.put(
        List.of(counts.model().model(), counts.model().version(), counts.subgroup()), counts);
  }

  /** The latest signed ledger checkpoint. */
  public void checkpoint(LedgerCheckpoint latest) {
    checkpoint = Optional.of(latest);
    consistency = Optional.empty();
  }

  /** The latest signed ledger checkpoint and the proof that it extends the previous summary's. */
  public void checkpoint(LedgerCheckpoint latest, LedgerConsistency fromPrevious) {
    checkpoint = Optional.of(latest);
    consistency = Optional.of(fromPrevious);
  }

  /** The summary of the period up to {@code periodEnd}; the next period starts there. */
  public Summary close(Instant periodEnd) {
    List<ModelStats> stats = new ArrayList<>();
    counts.forEach(
        (model, c) -> {
          stats.add(new ModelStats(model, c.requests, c.errors, c.byStatus, c.period.latency()));
          c.period = new LatencyHistogram();
        });
    Summary s =
        new Summary(
            periodStart,
            periodEnd,
            countersSince,
            softwareVersion,
            stats,
            windows,
            changes,
            List.copyOf(inventory.values()),
            List.copyOf(outcomes.values()),
            checkpoint,
            consistency);
    windows.clear();
    changes.clear();
    periodStart = periodEnd;
    return s;
  }
}
