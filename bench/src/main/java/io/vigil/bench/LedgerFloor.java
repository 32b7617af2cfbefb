package io.vigil.bench;

import io.vertx.core.json.JsonObject;
import io.vigil.audit.Durability;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerOptions;
import io.vigil.audit.NoteSigner;
import io.vigil.audit.PredictionEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The ledger's floor under the p99 at half of E: the ledger alone, as shipped (FULL durability,
 * group commit), no HTTP and no model, its JVM pinned to the gateway's CPU, appending at the rate
 * F/50%/pinned sent at; each append timed from its intended time to its receipt, as the open-loop
 * generator times a request. What it shows is what the gateway's p99 at that rate cannot go below
 * while every answer waits for its entry's fsync on this disk.
 */
final class LedgerFloor {

  static final String RESULT = "LEDGER_FLOOR_RESULT ";

  /** A commit slower than this is counted: each holds every append that arrives meanwhile. */
  static final long SLOW_COMMIT_MICROS = 3_000;

  private LedgerFloor() {}

  /**
   * Runs the floor in its own JVM started through {@code launcher} ({@code taskset -c N}), in a
   * fresh ledger under {@code workDir}: {@code warmUp} unrecorded, then {@code measure} at {@code
   * rate} appends a second; the row {@code id} with the latency's percentiles, the commits and the
   * slow ones.
   */
  static Row measure(
      List<String> launcher,
      Path workDir,
      String id,
      double rate,
      Duration warmUp,
      Duration measure,
      String label)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(workDir, "ledger-floor-");
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(HostedGateway.HEAP);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LedgerFloor.class.getName());
    command.add("--dir=" + dir);
    command.add(String.format(Locale.ROOT, "--rate=%.1f", rate));
    command.add(String.format(Locale.ROOT, "--warmup-s=%.3f", warmUp.toMillis() / 1e3));
    command.add(String.format(Locale.ROOT, "--duration-s=%.3f", measure.toMillis() / 1e3));
    Process p =
        new ProcessBuilder(command)
            .redirectError(workDir.resolve("ledger-floor.log").toFile())
            .start();
    JsonObject result = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(RESULT)) {
          result = new JsonObject(line.substring(RESULT.length()));
        }
      }
      long limit = warmUp.plus(measure).toSeconds() + 120;
      if (!p.waitFor(limit, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the ledger floor did not stop within " + limit + " s");
      }
    } finally {
      p.destroyForcibly();
      p.waitFor();
      // Some hundred MB of ledger and WAL that nothing reads again.
      HostedGateway.deleteTree(dir);
    }
    if (result == null) {
      throw new IllegalStateException(
          "the ledger floor printed no result (see " + workDir.resolve("ledger-floor.log") + ")");
    }
    return row(id, label, result);
  }

  /** The row of a result line's JSON. */
  static Row row(String id, String label, JsonObject result) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String key :
        List.of(
            "target_rate",
            "achieved_rate",
            "p50_us",
            "p99_us",
            "p999_us",
            "max_us",
            "entries_per_commit",
            "slow_commits",
            "commits")) {
      m.put(key, result.getDouble(key));
    }
    return new Row(
        id,
        label,
        m,
        String.format(
            Locale.ROOT,
            "%.0f of %.0f commits took over %d ms",
            m.get("slow_commits"),
            m.get("commits"),
            SLOW_COMMIT_MICROS / 1000));
  }

  /**
   * {@code --dir=D --rate=R --warmup-s=W --duration-s=S [--durability=FULL|NORMAL]}: prints {@code
   * RESULT {json}}; FULL, as shipped, unless told (NORMAL measures what the quality team would
   * trade for it).
   */
  public static void main(String[] args) throws Exception {
    Flags f = Flags.parse(args);
    Path dir = Path.of(f.required("dir"));
    double rate = f.number("rate", 1000);
    NoteSigner signer =
        NoteSigner.ed25519(
            "bench/ledger-floor", KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    AtomicLong slow = new AtomicLong();
    AtomicLong commits = new AtomicLong();
    try (Ledger ledger =
        Ledger.open(
            LedgerOptions.of(dir.resolve("audit.db"), "bench/ledger-floor")
                .withDurability(durability(f.text("durability").orElse("full"))),
            signer,
            Clock.systemUTC(),
            (entries, nanos) -> {
              commits.incrementAndGet();
              if (nanos / 1000 > SLOW_COMMIT_MICROS) {
                slow.incrementAndGet();
              }
            })) {
      Supplier<PredictionEntry> entry = LedgerWriterBench.entries();
      Recorder recorder = new Recorder(LatencyRecorder.HIGHEST_MICROS, 3);
      appendAt(ledger, entry, rate, f.seconds("warmup-s", 3), recorder);
      recorder.reset();
      slow.set(0);
      commits.set(0);
      long measured = f.seconds("duration-s", 10).toNanos();
      long sent = appendAt(ledger, entry, rate, Duration.ofNanos(measured), recorder);
      // The last appends' receipts, each counted however late it comes (up to a minute).
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      Histogram h = recorder.getIntervalHistogram();
      while (h.getTotalCount() < sent && System.nanoTime() < deadline) {
        Thread.sleep(50);
        h.add(recorder.getIntervalHistogram());
      }
      double seconds = measured / 1e9;
      JsonObject result =
          new JsonObject()
              .put("target_rate", rate)
              .put("achieved_rate", h.getTotalCount() / seconds)
              .put("sent", sent)
              .put("p50_us", h.getValueAtPercentile(50))
              .put("p99_us", h.getValueAtPercentile(99))
              .put("p999_us", h.getValueAtPercentile(99.9))
              .put("max_us", h.getMaxValue())
              .put("commits", commits.get())
              .put("slow_commits", slow.get())
              .put("entries_per_commit", (double) h.getTotalCount() / Math.max(1, commits.get()));
      System.out.println(RESULT + result.encode());
    }
  }

  /** {@code full} or {@code normal}, in either case, as the gateway's {@code audit.durability}. */
  static Durability durability(String value) {
    for (Durability d : Durability.values()) {
      if (d.name().equalsIgnoreCase(value)) {
        return d;
      }
    }
    throw new IllegalArgumentException("--durability must be full or normal, got: " + value);
  }

  /**
   * Appends at {@code rate} a second for {@code duration}, each timed from its intended time (no
   * coordinated omission: a late sender appends what is due at once); returns how many it sent.
   */
  private static long appendAt(
      Ledger ledger,
      Supplier<PredictionEntry> entry,
      double rate,
      Duration duration,
      Recorder recorder) {
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long next = start;
    long sent = 0;
    while (next < end) {
      long now = System.nanoTime();
      if (now < next) {
        LockSupport.parkNanos(next - now);
        continue;
      }
      while (next <= now && next < end) {
        long intended = next;
        next += interval;
        sent++;
        ledger
            .append(entry.get())
            .whenComplete(
                (receipt, failure) -> {
                  if (failure == null) {
                    recorder.recordValue(
                        Math.min(
                            LatencyRecorder.HIGHEST_MICROS, (System.nanoTime() - intended) / 1000));
                  }
                });
      }
    }
    return sent;
  }
}
