package io.vigil.audit;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Keys, clocks, entries and ledgers for the tests. */
final class TestLedgers {

  static final String ORIGIN = "vigil.test/site-1/gateway-1";

  private TestLedgers() {}

  /** An Ed25519 key pair from a fixed 32-byte seed. */
  static KeyPair keyPair(byte[] seed) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(
          NamedParameterSpec.ED25519,
          new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
              System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
          });
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static NoteSigner signer() {
    return signer(ORIGIN, (byte) 7);
  }

  static NoteSigner signer(String name, byte seedByte) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, seedByte);
    return NoteSigner.ed25519(name, keyPair(seed));
  }

  private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
  private static final long START_NANOS = System.nanoTime();

  /**
   * A wall clock from 2026-03-01T08:00Z that runs with {@link System#nanoTime} from the start of
   * the tests, as a good clock does, and one microsecond further each time it is read, so that no
   * two readings are equal; ledgers reopened in one test go on from where they were.
   */
  static Clock tickingClock() {
    return clockOf(() -> System.nanoTime() - START_NANOS);
  }

  /** A wall clock that runs with this monotonic time, one microsecond further on each reading. */
  static Clock clockOf(LongSupplier nanoTime) {
    AtomicLong reads = new AtomicLong();
    return clockAt(() -> START.plusNanos(nanoTime.getAsLong() + 1000 * reads.incrementAndGet()));
  }

  /** A wall clock in UTC that reads whatever {@code now} says. */
  static Clock clockAt(java.util.function.Supplier<Instant> now) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  /** A monotonic time in nanoseconds that stands still until the test moves it. */
  static final class ManualNanoTime implements LongSupplier {
    private final AtomicLong nanos = new AtomicLong();

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }

    @Override
    public long getAsLong() {
      return nanos.get();
    }
  }

  /**
   * Options for tests: checkpoints only when asked for, short busy timeout, segments of 8, and
   * NORMAL durability, which changes nothing that the tests look at but their speed on a shared
   * disk.
   */
  static LedgerOptions options(Path dir) {
    return LedgerOptions.of(dir.resolve("audit.db"), ORIGIN)
        .withDurability(Durability.NORMAL)
        .withCheckpointEveryEntries(1_000_000)
        .withCheckpointInterval(Duration.ofHours(1))
        .withBusyTimeout(Duration.ofMillis(300))
        .withSegmentLevel(3);
  }

  static Ledger open(Path dir) {
    return Ledger.open(options(dir), signer(), tickingClock());
  }

  /**
   * A ledger whose checkpoint interval is measured on this time, and its wall clock runs with it.
   */
  static Ledger open(LedgerOptions options, LongSupplier nanoTime) {
    return Ledger.open(options, signer(), clockOf(nanoTime), nanoTime);
  }

  /** A realistic prediction: 30 float inputs, one float output. */
  static PredictionEntry prediction(long n) {
    float[] x = new float[30];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (10 + Math.sin(n * 31 + i) * 7.25);
    }
    List<Tensor> inputs = List.of(new Tensor("features", new long[] {1, 30}, x));
    return new PredictionEntry(
        "req-" + n,
        "device-" + (n % 7),
        "wdbc-classifier",
        "1.2.0",
        "9f".repeat(32),
        PredictionEntry.digestOf(inputs),
        inputs,
        List.of(new Tensor("probability", new long[] {1, 1}, new float[] {(n % 100) / 100f})),
        850 + n % 300,
        "normal",
        n % 11 == 0 ? List.of("radius_mean above 28.11") : List.of());
  }

  static EventEntry event(String type) {
    return EventEntry.of(type, "admin", Map.of("note", "test", "n", 1));
  }

  /** Appends count predictions, all at once, and waits for their receipts. */
  static List<Receipt> append(Ledger ledger, int count) {
    List<CompletableFuture<Receipt>> futures = new ArrayList<>();
    long base = ledger.size();
    for (int i = 0; i < count; i++) {
      futures.add(ledger.append(prediction(base + i)));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  static Checkpoint checkpoint(Ledger ledger) {
    return ledger.checkpoint().join().orElseThrow();
  }

  /**
   * Waits, without appending, until the ledger reports itself healthy; returns how long it took.
   *
   * @throws AssertionError if it is not healthy within the limit
   */
  static Duration awaitHealthy(Ledger ledger, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    while (!ledger.healthy()) {
      if (System.nanoTime() - start > limit.toNanos()) {
        throw new AssertionError(
            "not healthy after " + limit + ": " + ledger.lastError().map(Throwable::getMessage));
      }
      Thread.sleep(10);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Every entry of the ledger in this folder, read by a new reader. */
  static List<StoredEntry> entries(Path dir) {
    try (LedgerReader reader = LedgerReader.open(dir.resolve("audit.db"))) {
      return reader.entries(0, reader.size());
    }
  }

  /** The event entries of this type, in order. */
  static List<EventEntry> events(List<StoredEntry> entries, String type) {
    return entries.stream()
        .map(StoredEntry::entry)
        .filter(e -> e instanceof EventEntry ev && ev.type().equals(type))
        .map(EventEntry.class::cast)
        .toList();
  }

  static Connection jdbc(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("audit.db"));
  }

  /** The number that {@code sql} (a {@code SELECT count(...)}) reads from the ledger in dir. */
  static long count(Path dir, String sql) throws SQLException {
    try (Connection c = jdbc(dir);
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A connection of an attacker with SQL access, who first drops the insert-only triggers. */
  static Connection attacker(Path dir) throws SQLException {
    Connection c = jdbc(dir);
    List<String> triggers = new ArrayList<>();
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
      while (rs.next()) {
        triggers.add(rs.getString(1));
      }
    }
    for (String t : triggers) {
      try (var s = c.createStatement()) {
        s.execute("DROP TRIGGER " + t);
      }
    }
    return c;
  }
}
