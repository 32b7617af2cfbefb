package io.vigil.gateway.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.audit.CommitListener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The ledger's group commits: {@code vigil.ledger.commit.latency}, how long each transaction took
 * ({@code fsync} included), and {@code vigil.ledger.commit.entries}, how many entries it held.
 */
public final class LedgerMeters implements CommitListener {

  /** How long a group commit took, from {@code BEGIN} to the end of {@code COMMIT}. */
  public static final String COMMIT_LATENCY = "vigil.ledger.commit.latency";

  /** Entries per group commit. */
  public static final String COMMIT_ENTRIES = "vigil.ledger.commit.entries";

  /** The lowest bucket of the commit latency: a commit without {@code fsync} on a fast disk. */
  static final Duration COMMIT_MIN = Duration.ofNanos(50_000);

  /** The highest bucket of the commit latency, below {@code +Inf}: a disk in trouble. */
  static final Duration COMMIT_MAX = Duration.ofSeconds(10);

  /** Buckets of entries per commit: powers of two up to the default batch limit, 1024. */
  static final double[] ENTRY_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final Timer latency;
  private final DistributionSummary entries;

  /** Meters registered on {@code registry}, to be given to the ledger as its commit listener. */
  public LedgerMeters(MeterRegistry registry) {
    this.latency =
        Timer.builder(COMMIT_LATENCY)
            .description("Time of one group commit of the ledger, fsync included.")
            .publishPercentileHistogram()
            .minimumExpectedValue(COMMIT_MIN)
            .maximumExpectedValue(COMMIT_MAX)
            .register(registry);
    this.entries =
        DistributionSummary.builder(COMMIT_ENTRIES)
            .description("Entries per group commit of the ledger.")
            .serviceLevelObjectives(ENTRY_BUCKETS)
            .register(registry);
  }

  /** Records one commit; called on the ledger's writer thread. */
  @Override
  public void committed(int entries, long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    this.entries.record(entries);
  }
}
