package io.vigil.gateway.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.Ledger;
import io.vigil.gateway.metrics.RequestMeters;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.monitoring.LivePerformance;
import io.vigil.sync.message.DriftWindow;
import io.vigil.sync.message.InventoryItem;
import io.vigil.sync.message.Latency;
import io.vigil.sync.message.LedgerCheckpoint;
import io.vigil.sync.message.LedgerConsistency;
import io.vigil.sync.message.ModelRef;
import io.vigil.sync.message.ModelStats;
import io.vigil.sync.message.OutcomeCounts;
import io.vigil.sync.message.SafetyChange;
import io.vigil.sync.message.SafetyLevel;
import io.vigil.sync.message.Summary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds each period's summary from what the gateway measures anyway: the request counters and the
 * latency timer of {@link RequestMeters}, the windows and level changes the safety listener is
 * told, the loaded models and the ledger's latest checkpoint with the proof that it extends the
 * previous summary's ({@link ProofChain}). Used on the sync worker only.
 */
final class Summaries {

  private final MeterRegistry meters;
  private final ModelRegistry models;
  private final Optional<Ledger> ledger;
  private final Optional<ProofChain> chain;
  private final String softwareVersion;
  private final Instant countersSince;
  private Instant periodStart;
  private final Map<ModelRef, LatencyWindow> latency = new HashMap<>();
  private final List<DriftWindow> windows = new ArrayList<>();
  private final List<SafetyChange> changes = new ArrayList<>();

  Summaries(
      MeterRegistry meters,
      ModelRegistry models,
      Optional<Ledger> ledger,
      Path chainFile,
      String softwareVersion,
      Instant countersSince) {
    this.meters = meters;
    this.models = models;
    this.ledger = ledger;
    this.chain = ledger.map(l -> ProofChain.open(chainFile, l));
    this.softwareVersion = softwareVersion;
    this.countersSince = countersSince;
    this.periodStart = countersSince;
  }

  void windowClosed(DriftWindow window) {
    windows.add(window);
  }

  void safetyChanged(SafetyChange change) {
    changes.add(change);
  }

  /** The summary of the period up to {@code now}; the next one starts there. */
  Summary close(Instant now) {
    Instant end = now.isBefore(periodStart) ? periodStart : now;
    Optional<Checkpoint> latest = ledger.flatMap(Ledger::latestCheckpoint);
    Optional<LedgerConsistency> proof = latest.flatMap(c -> chain.flatMap(p -> p.proofTo(c)));
    Summary s =
        new Summary(
            periodStart,
            end,
            countersSince,
            softwareVersion,
            stats(),
            windows,
            changes,
            inventory(),
            outcomes(),
            latest.map(c -> new LedgerCheckpoint(c.note())),
            proof);
    windows.clear();
    changes.clear();
    periodStart = end;
    return s;
  }

  /** The summary is in the outbox: the next one proves from its checkpoint. */
  void appended(Summary s) {
    s.checkpoint().ifPresent(c -> chain.ifPresent(p -> p.appended(c)));
  }

  private List<ModelStats> stats() {
    Map<ModelRef, Latency> byVersion = new HashMap<>();
    for (Timer t : meters.find(RequestMeters.LATENCY).timers()) {
      String model = t.getId().getTag("model");
      String version = t.getId().getTag("version");
      if (model != null && version != null) {
        ModelRef ref = new ModelRef(model, version);
        byVersion.put(ref, latency.computeIfAbsent(ref, m -> new LatencyWindow()).next(t));
      }
    }
    Map<ModelRef, Map<Integer, Long>> byStatus = new TreeMap<>(Summaries::compare);
    for (Counter c : meters.find(RequestMeters.REQUESTS).counters()) {
      String model = c.getId().getTag("model");
      String version = c.getId().getTag("version");
      String status = c.getId().getTag("status");
      if (model == null || version == null || status == null) {
        continue;
      }
      int code = Integer.parseInt(status);
      if (code < 100 || code > 599) {
        continue;
      }
      byStatus
          .computeIfAbsent(new ModelRef(model, version), m -> new TreeMap<>())
          .merge(code, (long) c.count(), Long::sum);
    }
    List<ModelStats> stats = new ArrayList<>();
    byStatus.forEach(
        (model, statuses) -> {
          long requests = statuses.values().stream().mapToLong(Long::longValue).sum();
          long errors =
              statuses.entrySet().stream()
                  .filter(e -> e.getKey() >= 400)
                  .mapToLong(Map.Entry::getValue)
                  .sum();
          Latency l = byVersion.getOrDefault(model, new Latency(0, 0, 0, 0));
          stats.add(new ModelStats(model, requests, errors, statuses, l));
        });
    return stats;
  }

  private List<InventoryItem> inventory() {
    List<InventoryItem> items = new ArrayList<>();
    for (LoadedModel m : models.all()) {
      SafetyLevel level = m.monitor().map(x -> Mapping.level(x.level())).orElse(SafetyLevel.NORMAL);
      items.add(
          new InventoryItem(
              new ModelRef(m.manifest().modelId(), m.manifest().version()),
              m.bundle().sha256(),
              level,
              models.isActive(m)));
    }
    return items;
  }

  /** Each monitored version's outcome counts that any outcome reached, per population. */
  private List<OutcomeCounts> outcomes() {
    List<OutcomeCounts> all = new ArrayList<>();
    for (LoadedModel m : models.all()) {
      if (m.monitor().isEmpty()) {
        continue;
      }
      LivePerformance p = m.monitor().get().performance();
      if (p.all().sinceActivation().total() == 0) {
        continue;
      }
      ModelRef ref = new ModelRef(m.manifest().modelId(), m.manifest().version());
      for (LivePerformance.Group g : p.groups()) {
        try {
          all.add(
              new OutcomeCounts(
                  ref,
                  g.subgroup(),
                  Mapping.cells(g.sinceActivation()),
                  Mapping.cells(g.window()),
                  p.windowOutcomes(),
                  p.delay().meanMillis()));
        } catch (IllegalArgumentException e) {
          // A subgroup name a summary cannot carry must not cost the summary itself.
          System.getLogger(Summaries.class.getName())
              .log(
                  System.Logger.Level.WARNING,
                  "outcome counts left out of the summary: " + e.getMessage());
        }
      }
    }
    return all;
  }

  private static int compare(ModelRef a, ModelRef b) {
    int c = a.model().compareTo(b.model());
    return c != 0 ? c : a.version().compareTo(b.version());
  }
}
