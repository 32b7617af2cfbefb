package io.vigil.gateway.outcomes;

import io.vertx.core.json.JsonObject;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.Receipt;
import io.vigil.audit.StoredEntry;
import io.vigil.audit.Tensor;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.gateway.outcomes.OutcomeBatch.Item;
import io.vigil.gateway.outcomes.OutcomeBatch.Result;
import io.vigil.inference.bundle.Manifest.Decision;
import io.vigil.monitoring.ModelMonitor;
import io.vigil.monitoring.Outcome;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The outcomes the hospital returns for its predictions: each one found by its request id in the
 * ledger, checked (a prediction of this model, not yet given an outcome, a label the model knows),
 * recorded as an {@code outcome.recorded} event linked to the prediction's seq, and counted toward
 * the live performance of the version that made the prediction; at start the counts are rebuilt
 * from those events. One thread ({@code vigil-outcomes}) does it all, so that the check for a
 * second outcome and its record cannot interleave, and no SQLite read runs on an event loop.
 */
public final class Outcomes implements AutoCloseable {

  /** The ledger event of a recorded outcome. */
  public static final String EVENT = "outcome.recorded";

  /** The outcome label of a case that is not the model's positive label. */
  public static final String NEGATIVE = "negative";

  private static final Logger LOG = System.getLogger(Outcomes.class.getName());

  private final ModelRegistry models;
  private final Optional<Ledger> ledger;
  private final Clock clock;
  private final ExecutorService thread;
  private LedgerReader reader;
  // The seqs of predictions that have an outcome; vigil-outcomes only.
  private final Set<Long> answered = new HashSet<>();

  private Outcomes(ModelRegistry models, Optional<Ledger> ledger, Clock clock) {
    this.models = models;
    this.ledger = ledger;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-outcomes");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Outcomes over {@code ledger} for the versions {@code models} loads; without a ledger every
   * batch is refused, since nothing links an outcome to its prediction.
   */
  public static Outcomes create(ModelRegistry models, Optional<Ledger> ledger, Clock clock) {
    return new Outcomes(models, ledger, clock);
  }

  /**
   * Counts again every outcome the ledger records toward the loaded versions that made their
   * predictions; run once at start, before devices are served.
   *
   * @return the outcomes counted
   */
  public int rebuild() {
    return call(
        () -> {
          if (ledger.isEmpty()) {
            return 0;
          }
          int counted = 0;
          for (StoredEntry stored : reader().byRef(EVENT)) {
            if (!(stored.entry() instanceof EventEntry e)) {
              continue;
            }
            JsonObject d = new JsonObject(e.details());
            answered.add(d.getLong("prediction_seq"));
            Optional<ModelMonitor> monitor =
                models
                    .find(d.getString("model_id"), d.getString("version"))
                    .flatMap(LoadedModel::monitor);
            if (monitor.isPresent()) {
              monitor
                  .get()
                  .outcome(
                      new Outcome(
                          d.getDouble("score"),
                          d.getBoolean("positive"),
                          d.getString("subgroup", Outcome.NO_SUBGROUP),
                          d.getLong("delay_ms")));
              counted++;
            }
          }
          return counted;
        });
  }

  /**
   * Records a batch of outcomes for {@code modelId}'s predictions, from {@code actor} ({@code
   * device:<name>}, {@code operator:<name>}): each item accepted or refused with why, the rest of
   * the batch kept whatever one item's fate.
   */
  public CompletableFuture<List<Result>> record(String modelId, List<Item> items, String actor) {
    return CompletableFuture.supplyAsync(() -> recordNow(modelId, items, actor), thread);
  }

  private List<Result> recordNow(String modelId, List<Item> items, String actor) {
    if (ledger.isEmpty()) {
      throw new GatewayException(
          GatewayException.Code.CONFLICT,
          "outcomes need the ledger, which links each one to its prediction; audit is off");
    }
    List<Result> results = new ArrayList<>(items.size());
    List<Pending> pending = new ArrayList<>();
    // One read snapshot for the whole batch's lookups.
    Map<String, List<StoredEntry>> found = reader().byRefs(items.stream().map(Item::id).toList());
    for (Item item : items) {
      Checked checked = check(modelId, item, found.get(item.id()));
      if (checked.refusal != null) {
        results.add(Result.refused(item.id(), checked.refusal));
        continue;
      }
      answered.add(checked.seq);
      CompletableFuture<Receipt> receipt = ledger.get().append(event(checked, item, actor));
      pending.add(new Pending(results.size(), checked, receipt));
      results.add(null);
    }
    // One wait for the batch: the ledger commits its appends together.
    for (Pending p : pending) {
      Item item = items.get(p.index);
      try {
        long seq = p.receipt.join().seq();
        p.checked.monitor.outcome(p.checked.outcome);
        results.set(p.index, Result.accepted(item.id(), seq));
      } catch (RuntimeException e) {
        answered.remove(p.checked.seq);
        results.set(
            p.index, Result.refused(item.id(), "not recorded in the ledger: " + e.getMessage()));
      }
    }
    return results;
  }

  private record Pending(int index, Checked checked, CompletableFuture<Receipt> receipt) {}

  /** An item checked: its prediction and what counts, or why it is refused. */
  private static final class Checked {
    String refusal;
    long seq;
    PredictionEntry prediction;
    ModelMonitor monitor;
    Decision decision;
    Outcome outcome;

    static Checked refused(String why) {
      Checked c = new Checked();
      c.refusal = why;
      return c;
    }
  }

  private Checked check(String modelId, Item item, List<StoredEntry> entries) {
    List<StoredEntry> found = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (StoredEntry e : entries) {
      if (e.entry() instanceof PredictionEntry p) {
        if (p.modelId().equals(modelId)) {
          found.add(e);
        } else {
          others.add(p.modelId());
        }
      }
    }
    if (found.isEmpty()) {
      return Checked.refused(
          others.isEmpty()
              ? "unknown id: no prediction with request id " + item.id() + " in the ledger"
              : "request id "
                  + item.id()
                  + " was answered by model "
                  + String.join(", ", others)
                  + ", not "
                  + modelId);
    }
    if (found.size() > 1) {
      return Checked.refused(
          found.size() + " predictions of " + modelId + " carry request id " + item.id());
    }
    StoredEntry stored = found.get(0);
    PredictionEntry p = (PredictionEntry) stored.entry();
    if (answered.contains(stored.seq())) {
      return Checked.refused(
          "a second outcome for request id "
              + item.id()
              + ": prediction "
              + stored.seq()
              + " already has one");
    }
    Optional<LoadedModel> loaded =
        models.find(modelId, p.modelVersion()).filter(m -> m.monitor().isPresent());
    if (loaded.isEmpty()) {
      return Checked.refused(
          modelId
              + " "
              + p.modelVersion()
              + ", which made this prediction, is not loaded and monitored here");
    }
    Decision decision = loaded.get().manifest().decision();
    ModelMonitor monitor = loaded.get().monitor().orElseThrow();
    boolean positive = item.outcome().equals(decision.positiveLabel());
    if (!positive && !item.outcome().equals(NEGATIVE)) {
      return Checked.refused(
          "outcome '"
              + item.outcome()
              + "' is not one of the model's labels: "
              + decision.positiveLabel()
              + " or "
              + NEGATIVE);
    }
    if (!item.subgroup().isEmpty() && !monitor.subgroups().contains(item.subgroup())) {
      return Checked.refused(
          "subgroup '"
              + item.subgroup()
              + "' is not one the manifest claims performance for: "
              + monitor.subgroups());
    }
    Optional<Tensor> score =
        p.outputs().stream().filter(t -> t.name().equals(decision.output())).findFirst();
    if (score.isEmpty() || score.get().values().length != 1) {
      return Checked.refused(
          "prediction "
              + stored.seq()
              + " holds "
              + score.map(t -> t.values().length + " rows").orElse("no " + decision.output())
              + "; an outcome names a prediction of one row");
    }
    Checked c = new Checked();
    c.seq = stored.seq();
    c.prediction = p;
    c.monitor = monitor;
    c.decision = decision;
    long delay = Math.max(0, Duration.between(stored.time(), clock.instant()).toMillis());
    c.outcome = new Outcome(score.get().values()[0], positive, item.subgroup(), delay);
    return c;
  }

  private EventEntry event(Checked c, Item item, String actor) {
    Decision d = c.decision;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model_id", c.prediction.modelId());
    details.put("version", c.prediction.modelVersion());
    details.put("prediction_seq", c.seq);
    details.put("outcome", item.outcome());
    details.put("positive", c.outcome.positive());
    details.put("score", c.outcome.score());
    details.put("predicted", c.outcome.score() >= d.threshold() ? d.positiveLabel() : NEGATIVE);
    if (!item.subgroup().isEmpty()) {
      details.put("subgroup", item.subgroup());
    }
    details.put("delay_ms", c.outcome.delayMillis());
    return EventEntry.of(EVENT, actor, details);
  }

  private LedgerReader reader() {
    if (reader == null) {
      reader = ledger.orElseThrow().openReader();
    }
    return reader;
  }

  private <T> T call(java.util.concurrent.Callable<T> work) {
    try {
      return thread.submit(work).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(GatewayException.Code.UNAVAILABLE, "interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new GatewayException(
          GatewayException.Code.UNAVAILABLE, String.valueOf(e.getCause()), e.getCause());
    }
  }

  /** Stops the thread and closes the ledger reader. */
  @Override
  public void close() {
    try {
      call(
          () -> {
            if (reader != null) {
              reader.close();
            }
            return null;
          });
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the outcomes' ledger reader: " + e.getMessage());
    } finally {
      thread.shutdownNow();
    }
  }
}
