package io.vigil.gateway.config;

import io.vigil.audit.Durability;
import io.vigil.gateway.GatewayException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The prediction and event ledger, the {@code audit} section of the configuration file.
 *
 * @param durability how a commit reaches the disk before the answer leaves
 * @param storeInputs whether each prediction's input is stored, not only its digest
 * @param checkpointEvery the entries after which the gateway signs a checkpoint
 * @param checkpointInterval the time after which the gateway signs a checkpoint if the ledger grew
 * @param origin the checkpoints' origin line; empty means {@code vigil/<host name>}
 * @param keepEntries the newest entries that stay in the database; older whole segments are sealed
 *     into compressed segment files
 * @param segmentEntries the entries of one sealed segment, a power of two
 * @param archiveInterval how often the gateway looks for segments to seal
 * @param minFreeSpace the free space on the data directory's disk below which the gateway warns (in
 *     the log, in readiness and in {@code /metrics}), long before a full disk stops the ledger
 */
public record AuditConfig(
    Durability durability,
    boolean storeInputs,
    int checkpointEvery,
    Duration checkpointInterval,
    String origin,
    int keepEntries,
    int segmentEntries,
    Duration archiveInterval,
    long minFreeSpace) {

  public static final Durability DEFAULT_DURABILITY = Durability.FULL;
  public static final boolean DEFAULT_STORE_INPUTS = true;
  public static final int DEFAULT_CHECKPOINT_EVERY = 1000;
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
  public static final String DEFAULT_ORIGIN = "";
  public static final int DEFAULT_KEEP_ENTRIES = 1_000_000;
  public static final int DEFAULT_SEGMENT_ENTRIES = 65_536;
  public static final Duration DEFAULT_ARCHIVE_INTERVAL = Duration.ofHours(1);
  public static final long DEFAULT_MIN_FREE_SPACE = 1024 * Units.MIB;

  private static final Pattern ORIGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");

  static final Setting<Durability> DURABILITY =
      Setting.choice("audit.durability", Durability.class);
  static final Setting<Boolean> STORE_INPUTS = Setting.bool("audit.store-inputs");
  static final Setting<Integer> CHECKPOINT_EVERY =
      Setting.integer("audit.checkpoint-every", 1, 10_000_000);
  static final Setting<Duration> CHECKPOINT_INTERVAL =
      Setting.duration("audit.checkpoint-interval", Duration.ofSeconds(1), Duration.ofHours(24));
  static final Setting<String> ORIGIN_LINE =
      Setting.text(
          "audit.origin",
          "empty, or letters, digits, '.', '_', '/' or '-' (at most 128)",
          s -> s.isEmpty() || ORIGIN.matcher(s).matches());

  static final Setting<Integer> KEEP_ENTRIES =
      Setting.integer("audit.keep-entries", 1, Integer.MAX_VALUE);
  static final Setting<Integer> SEGMENT_ENTRIES =
      Setting.powerOfTwo("audit.segment-entries", 16, 1 << 20);
  static final Setting<Long> MIN_FREE_SPACE =
      Setting.size("audit.min-free-space", 0, 1024 * 1024 * Units.MIB);
  static final Setting<Duration> ARCHIVE_INTERVAL =
      Setting.duration("audit.archive-interval", Duration.ofSeconds(1), Duration.ofDays(7));

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public AuditConfig {
    DURABILITY.check(durability);
    CHECKPOINT_EVERY.check(checkpointEvery);
    CHECKPOINT_INTERVAL.check(checkpointInterval);
    ORIGIN_LINE.check(origin);
    KEEP_ENTRIES.check(keepEntries);
    SEGMENT_ENTRIES.check(segmentEntries);
    ARCHIVE_INTERVAL.check(archiveInterval);
    MIN_FREE_SPACE.check(minFreeSpace);
  }

  /** The {@code audit} section that an empty file gives. */
  public static AuditConfig defaults() {
    return new AuditConfig(
        DEFAULT_DURABILITY,
        DEFAULT_STORE_INPUTS,
        DEFAULT_CHECKPOINT_EVERY,
        DEFAULT_CHECKPOINT_INTERVAL,
        DEFAULT_ORIGIN,
        DEFAULT_KEEP_ENTRIES,
        DEFAULT_SEGMENT_ENTRIES,
        DEFAULT_ARCHIVE_INTERVAL,
        DEFAULT_MIN_FREE_SPACE);
  }

  /** The segment size as the ledger counts it: log2 of {@link #segmentEntries}. */
  public int segmentLevel() {
    return Integer.numberOfTrailingZeros(segmentEntries);
  }

  /** The origin line checkpoints carry: the configured one, or {@code vigil/<host name>}. */
  public String originOrHost() {
    if (!origin.isEmpty()) {
      return origin;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return "vigil/" + host.replaceAll("[^A-Za-z0-9._-]", "-");
  }
}
