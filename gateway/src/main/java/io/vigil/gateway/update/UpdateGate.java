package io.vigil.gateway.update;

import io.vigil.audit.EventEntry;
import io.vigil.gateway.CrashPoints;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.StepJournal;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.gateway.models.Slots;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.validation.ValidatedInput;
import io.vigil.monitoring.ModelMonitor;
import io.vigil.monitoring.SafetyLevel;
import io.vigil.sync.message.EventKind;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Updates under the PCCP, from the moment a bundle is installed to the end of its probation: the
 * new version becomes its model's <b>candidate</b> (its golden vectors reproduced when it loaded);
 * it runs in <b>shadow</b> on a copy of the active version's live traffic, off the answer's path,
 * its outputs recorded as {@code shadow.prediction} ledger events and never sent to a device; the
 * <b>shadow rule</b> (enough predictions, enough agreement with the active version's decisions, and
 * no alert from the candidate's own monitoring against its reference profile) decides; it is then
 * <b>promoted</b> at once or after a local operator's approval, as its TUF target says; a <b>
 * probation</b> of the manifest's number of predictions follows, in which an alert or a suspension
 * rolls it back to the previous version. Every step is a ledger event and an event upstream.
 *
 * <p>The request path only hands a copy of each answered request to the shadow's thread through a
 * bounded queue (dropped, and counted, when it is full) and counts probation predictions: nothing
 * here blocks a device's answer. Decisions run under this object's lock, on the shadow thread, the
 * admin API's worker or the monitor's listener.
 */
public final class UpdateGate implements AutoCloseable {

  private static final Logger LOG = System.getLogger(UpdateGate.class.getName());

  /** The actor of the gate's own decisions. */
  public static final String SYSTEM = "system:update-gate";

  /**
   * How the gate judges.
   *
   * @param minAgreement the share of shadow rows whose decision must equal the active version's
   * @param queueCapacity how many answered requests may wait for the shadow thread
   */
  public record Options(double minAgreement, int queueCapacity) {
    /** 95% agreement; 4,096 requests waiting. */
    public static final Options DEFAULT = new Options(0.95, 4096);

    public Options {
      if (!(minAgreement > 0 && minAgreement <= 1)) {
        throw new IllegalArgumentException("minAgreement must be in (0, 1], not " + minAgreement);
      }
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1");
      }
    }
  }

  /** What the gate does to the rest of the gateway. */
  public interface Effects {
    /** Records a decision in the ledger, waiting for its commit. */
    void record(EventEntry event);

    /** Records evidence (a shadow prediction) without waiting. */
    void recordLater(EventEntry event);

    /** Tells the manufacturer, at once. */
    void upstream(LoadedModel model, EventKind kind, SafetyLevel level, String reason);

    /** Rolls {@code modelId} back to its previous version, recorded with who and why. */
    void rollback(String modelId, String actor, String reason);
  }

  /** The evidence a candidate's shadow run has gathered. */
  public record ShadowResult(
      long rows,
      long agreeing,
      long dropped,
      long minRows,
      double minAgreement,
      Optional<Boolean> passed) {
    /** The share of rows that agreed, or 0 before any. */
    public double agreement() {
      return rows == 0 ? 0 : (double) agreeing / rows;
    }
  }

  private final ModelRegistry models;
  private final Effects effects;
  private final Clock clock;
  private final Options options;
  private final Map<LoadedModel, Tally> tallies = new ConcurrentHashMap<>();
  private final Map<String, Probation> probations = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor shadow;
  private final ExecutorService control;
  private final StepJournal promotionJournal;

  /**
   * A gate over {@code models}, acting through {@code effects}, that journals each promotion in
   * {@code promotionJournal} from before its slots change until its ledger event is committed.
   */
  public UpdateGate(
      ModelRegistry models,
      Effects effects,
      Clock clock,
      Options options,
      StepJournal promotionJournal) {
    this.promotionJournal = promotionJournal;
    this.models = models;
    this.effects = effects;
    this.clock = clock;
    this.options = options;
    this.shadow =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(options.queueCapacity()),
            r -> daemon(r, "vigil-shadow"),
            new ThreadPoolExecutor.AbortPolicy());
    this.control = Executors.newSingleThreadExecutor(r -> daemon(r, "vigil-update-gate"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Picks up where the gateway stopped, after its models loaded: each candidate's shadow run starts
   * again from zero predictions (what it had gathered is in the ledger; a restart does not count as
   * evidence), each probation starts its count again ({@code update.probation_resumed}), and an
   * update that was stored but not yet placed becomes a candidate that waits for a local approval
   * once its shadow rule holds.
   */
  public synchronized void resume() {
    recoverPromotion();
    for (String id : models.modelIds()) {
      Slots.Model slot = models.slots(id);
      models
          .candidate(id)
          .ifPresent(
              c -> {
                boolean passed =
                    slot.candidate()
                        .map(k -> k.stage() == Slots.Stage.AWAITING_APPROVAL)
                        .orElse(false);
                tallies.put(c, new Tally(passed));
                effects.record(
                    event(
                        "update.shadow_resumed",
                        SYSTEM,
                        c,
                        Map.of("stage", slot.candidate().orElseThrow().stage().jsonName())));
              });
      Optional<LoadedModel> unplaced = models.unplaced(id);
      if (unplaced.isPresent()) {
        place(unplaced.get(), false, "stored before a restart, not yet placed");
      }
      slot.probation()
          .ifPresent(
              p ->
                  models
                      .findActive(id)
                      .filter(a -> a.manifest().release() == p.bundle().release())
                      .ifPresent(
                          a -> {
                            probations.put(id, new Probation(a, p.predictions()));
                            effects.record(
                                event(
                                    "update.probation_resumed",
                                    SYSTEM,
                                    a,
                                    Map.of(
                                        "predictions",
                                        p.predictions(),
                                        "promoted_at",
                                        p.since().toString())));
                          }));
    }
  }

  /**
   * A bundle was installed and loaded: the first version of its model becomes active at once; a
   * later one becomes the candidate, in shadow.
   *
   * @param automatic whether its target's rollout promotes it without a local approval
   */
  public synchronized void installed(LoadedModel model, boolean automatic) {
    place(model, automatic, automatic ? "automatic rollout" : "local-approval rollout");
  }

  private void place(LoadedModel model, boolean automatic, String why) {
    ModelRegistry.Placement p = models.place(model, automatic, clock.instant());
    if (!p.candidate()) {
      return;
    }
    p.displaced()
        .ifPresent(
            d -> {
              tallies.remove(d);
              effects.record(
                  event(
                      "update.candidate_displaced",
                      SYSTEM,
                      d,
                      Map.of("by_version", model.manifest().version())));
            });
    tallies.put(model, new Tally(false));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("automatic", automatic);
    details.put("why", why);
    details.put("active_version", models.active(id(model)).manifest().version());
    details.put("shadow_min_predictions", minRows(model));
    details.put("shadow_min_agreement", options.minAgreement());
    effects.record(event("update.candidate", SYSTEM, model, details));
    effects.upstream(model, EventKind.CANDIDATE, level(model), "update.candidate");
    LOG.log(
        Level.INFO,
        model.bundle().label()
            + " is the candidate of "
            + id(model)
            + ": it runs in shadow beside "
            + models.active(id(model)).manifest().version()
            + " and answers no device");
  }

  /**
   * An answer of {@code active} left for a device: counted for its probation, and copied to its
   * model's candidate's shadow run. Called on the request's path: it never blocks.
   */
  public void answered(
      LoadedModel active, ValidatedInput input, float[][] outputs, String requestId) {
    String id = active.manifest().modelId();
    Probation p = probations.get(id);
    if (p != null && p.model == active && p.count(input.rows())) {
      control.execute(() -> endProbation(id, p));
    }
    LoadedModel candidate = models.candidateOrNull(id);
    if (candidate == null || !models.isActive(active)) {
      // The shadow compares the candidate with the active version only, not with an older
      // version a device named.
      return;
    }
    Tally t = tallies.get(candidate);
    if (t == null) {
      return;
    }
    try {
      shadow.execute(() -> runShadow(active, candidate, t, input, outputs, requestId));
    } catch (RejectedExecutionException full) {
      t.dropped.incrementAndGet();
    }
  }

  private void runShadow(
      LoadedModel active,
      LoadedModel candidate,
      Tally t,
      ValidatedInput input,
      float[][] activeOutputs,
      String requestId) {
    if (!models.isCandidate(candidate)) {
      return;
    }
    float[][] outputs;
    try {
      outputs = candidate.batcher().submit(input).join();
    } catch (RuntimeException e) {
      control.execute(
          () -> fail(candidate, t, "the candidate failed to run a live input: " + e.getMessage()));
      return;
    }
    candidate.monitor().ifPresent(m -> m.observe(input, outputs));
    int rows = input.rows();
    List<Double> scores = new ArrayList<>(rows);
    int agreeing = 0;
    for (int r = 0; r < rows; r++) {
      double mine = score(candidate.manifest(), outputs, r);
      double theirs = score(active.manifest(), activeOutputs, r);
      scores.add(mine);
      if (positive(candidate.manifest(), mine) == positive(active.manifest(), theirs)) {
        agreeing++;
      }
    }
    t.rows.addAndGet(rows);
    t.agreeing.addAndGet(agreeing);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("request_id", requestId);
    details.put("active_version", active.manifest().version());
    details.put("scores", scores);
    details.put("agreeing_rows", agreeing);
    details.put("rows", rows);
    effects.recordLater(event("shadow.prediction", SYSTEM, candidate, details));
    judge(candidate, t);
  }

  /** The shadow rule, once enough predictions and a drift verdict are in. */
  private synchronized void judge(LoadedModel candidate, Tally t) {
    if (t.decided || !models.isCandidate(candidate)) {
      return;
    }
    SafetyLevel level = level(candidate);
    if (level.compareTo(SafetyLevel.ALERT) >= 0) {
      fail(
          candidate,
          t,
          "its own monitoring reached " + level.jsonName() + ": " + reasons(candidate));
      return;
    }
    long rows = t.rows.get();
    if (rows < minRows(candidate)) {
      return;
    }
    CrashPoints.reach("shadow");
    if (candidate.monitor().isPresent() && candidate.monitor().get().recentWindows().isEmpty()) {
      return; // no drift verdict on the candidate yet: its first window has not closed
    }
    double agreement = (double) t.agreeing.get() / rows;
    if (agreement < options.minAgreement()) {
      fail(
          candidate,
          t,
          String.format(
              java.util.Locale.ROOT,
              "its decisions agreed with the active version's on %.2f%% of %d rows; the rule asks"
                  + " at least %.2f%%",
              agreement * 100,
              rows,
              options.minAgreement() * 100));
      return;
    }
    pass(candidate, t);
  }

  private synchronized void pass(LoadedModel candidate, Tally t) {
    t.decided = true;
    t.passed = true;
    String id = id(candidate);
    effects.record(event("update.shadow_passed", SYSTEM, candidate, evidence(candidate, t)));
    effects.upstream(candidate, EventKind.SHADOW_PASSED, level(candidate), "update.shadow");
    Slots.Candidate slot = models.slots(id).candidate().orElseThrow();
    if (slot.stage() == Slots.Stage.HELD) {
      return;
    }
    if (slot.automatic()) {
      promote(candidate, SYSTEM, "automatic rollout: the shadow rule held");
    } else {
      models.stage(id, Slots.Stage.AWAITING_APPROVAL, clock.instant());
      effects.record(event("update.awaiting_approval", SYSTEM, candidate, Map.of()));
      effects.upstream(candidate, EventKind.AWAITING_APPROVAL, level(candidate), "update.approval");
    }
  }

  private synchronized void fail(LoadedModel candidate, Tally t, String why) {
    if (t.decided && !t.passed) {
      return;
    }
    t.decided = true;
    if (!models.isCandidate(candidate)) {
      return;
    }
    Map<String, Object> details = evidence(candidate, t);
    details.put("why", why);
    SafetyLevel level = level(candidate);
    models.dropCandidate(id(candidate));
    tallies.remove(candidate);
    effects.record(event("update.shadow_failed", SYSTEM, candidate, details));
    effects.upstream(candidate, EventKind.SHADOW_FAILED, level, "update.shadow");
    LOG.log(
        Level.WARNING,
        candidate.bundle().label()
            + " failed its shadow run and is out of service ("
            + why
            + "); "
            + models.active(id(candidate)).manifest().version()
            + " stays active");
  }

  private void promote(LoadedModel candidate, String actor, String why) {
    String id = id(candidate);
    long predictions = candidate.manifest().safety().probationPredictions();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("from_version", models.active(id).manifest().version());
    details.put("why", why);
    details.put("probation_predictions", predictions);
    Map<String, Object> journal = new LinkedHashMap<>(details);
    journal.put("model_id", id);
    journal.put("version", candidate.manifest().version());
    journal.put("bundle_sha256", candidate.bundle().sha256());
    journal.put("actor", actor);
    promotionJournal.begin(journal);
    CrashPoints.reach("promote");
    ModelRegistry.Promotion p;
    try {
      p = models.promote(id, predictions, clock.instant());
    } catch (RuntimeException e) {
      promotionJournal.end();
      throw e;
    }
    CrashPoints.reach("promoted");
    tallies.remove(candidate);
    probations.put(id, new Probation(p.to(), predictions));
    effects.record(event("update.promoted", actor, p.to(), details));
    promotionJournal.end();
    effects.upstream(p.to(), EventKind.PROMOTED, level(p.to()), reasonCode(actor, "promote"));
    LOG.log(
        Level.INFO,
        "promoted "
            + p.to().bundle().label()
            + " over "
            + p.from().manifest().version()
            + " ("
            + why
            + "); its probation lasts "
            + predictions
            + " predictions");
  }

  /**
   * Records how a promotion that a killed process left unrecorded ended: {@code update.promoted}
   * (marked {@code recorded_after_restart}, with who and why) when its slots were saved, else
   * {@code update.promotion_abandoned}, the candidate still a candidate.
   */
  private void recoverPromotion() {
    promotionJournal
        .unfinished()
        .ifPresent(
            j -> {
              String id = j.getString("model_id", "");
              String sha = j.getString("bundle_sha256", "");
              Optional<LoadedModel> active =
                  models.findActive(id).filter(a -> a.bundle().sha256().equals(sha));
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("from_version", j.getValue("from_version"));
              details.put("why", j.getValue("why"));
              details.put("probation_predictions", j.getValue("probation_predictions"));
              details.put("recorded_after_restart", true);
              String actor = j.getString("actor", SYSTEM);
              if (active.isPresent()) {
                effects.record(event("update.promoted", actor, active.get(), details));
              } else {
                Map<String, Object> abandoned = new LinkedHashMap<>(j.getMap());
                abandoned.put(
                    "why",
                    "the gateway stopped before this promotion was saved; the candidate stays a"
                        + " candidate and its shadow run starts again");
                effects.record(EventEntry.of("update.promotion_abandoned", SYSTEM, abandoned));
              }
              promotionJournal.end();
            });
  }

  private synchronized void endProbation(String id, Probation p) {
    if (probations.get(id) != p) {
      return;
    }
    probations.remove(id);
    models.endProbation(id);
    effects.record(
        event("update.probation_passed", SYSTEM, p.model, Map.of("predictions", p.target)));
    effects.upstream(p.model, EventKind.PROBATION_PASSED, level(p.model), "update.probation");
  }

  /**
   * A version's safety level changed (the monitor's listener): a candidate at alert or above fails
   * its shadow run at once; a version in probation at alert or above is rolled back at once.
   */
  public void levelChanged(ModelMonitor monitor, SafetyLevel to, List<String> reasons) {
    if (to.compareTo(SafetyLevel.ALERT) < 0) {
      return;
    }
    Instant breach = clock.instant();
    String id = monitor.modelId();
    models
        .candidate(id)
        .filter(c -> c.monitor().orElse(null) == monitor)
        .ifPresent(
            c -> {
              Tally t = tallies.get(c);
              if (t != null) {
                control.execute(
                    () ->
                        fail(c, t, "its own monitoring reached " + to.jsonName() + ": " + reasons));
              }
            });
    Probation p = probations.get(id);
    if (p != null && p.model.monitor().orElse(null) == monitor) {
      control.execute(() -> breach(id, p, to, reasons, breach));
    }
  }

  /**
   * Not under this object's lock: the rollback takes the gateway's install lock, and an install
   * holds that lock while it hands a new bundle to {@link #installed}.
   */
  private void breach(
      String id, Probation p, SafetyLevel to, List<String> reasons, Instant breach) {
    if (!probations.remove(id, p)) {
      return;
    }
    String why =
        "probation breach after "
            + p.answered.get()
            + " of "
            + p.target
            + " predictions: "
            + to.jsonName()
            + " "
            + reasons;
    try {
      effects.rollback(id, SYSTEM, why);
      long millis = java.time.Duration.between(breach, clock.instant()).toMillis();
      LOG.log(
          Level.WARNING,
          "rolled " + id + " back " + millis + " ms after its probation's breach: " + why);
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "the probation of " + id + " was breached, but the rollback failed", e);
    }
  }

  /** {@code modelId} was rolled back, by whomever: its probation, if any, is over. */
  public void rolledBack(String modelId) {
    probations.remove(modelId);
  }

  /** An operator approves a candidate that met its shadow rule: it is promoted now. */
  public synchronized LoadedModel approve(String modelId, String actor, String reason) {
    LoadedModel c = requireCandidate(modelId);
    Tally t = tallies.get(c);
    if (t == null || !t.passed) {
      throw new GatewayException(
          GatewayException.Code.CONFLICT,
          c.bundle().label()
              + " has not met its shadow rule yet ("
              + (t == null ? 0 : t.rows.get())
              + " of "
              + minRows(c)
              + " predictions): it can be approved once it has");
    }
    effects.record(event("update.approved", actor, c, Map.of("reason", reason)));
    effects.upstream(c, EventKind.APPROVED, level(c), "operator.approve");
    promote(c, actor, "approved: " + reason);
    return c;
  }

  /** An operator holds a candidate: it keeps running in shadow and is never promoted unapproved. */
  public synchronized LoadedModel hold(String modelId, String actor, String reason) {
    LoadedModel c = requireCandidate(modelId);
    models.stage(modelId, Slots.Stage.HELD, clock.instant());
    effects.record(event("update.held", actor, c, Map.of("reason", reason)));
    effects.upstream(c, EventKind.HELD, level(c), "operator.hold");
    return c;
  }

  /** What a candidate's shadow run has gathered so far. */
  public Optional<ShadowResult> shadow(LoadedModel candidate) {
    Tally t = tallies.get(candidate);
    if (t == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ShadowResult(
            t.rows.get(),
            t.agreeing.get(),
            t.dropped.get(),
            minRows(candidate),
            options.minAgreement(),
            t.decided ? Optional.of(t.passed) : Optional.empty()));
  }

  /** How many of its probation's predictions the active version of {@code modelId} has answered. */
  public Optional<long[]> probation(String modelId) {
    Probation p = probations.get(modelId);
    return p == null ? Optional.empty() : Optional.of(new long[] {p.answered.get(), p.target});
  }

  /** Waits, up to a few seconds, for the shadow runs and decisions queued so far. */
  public void drain() {
    try {
      shadow.submit(() -> {}).get(10, TimeUnit.SECONDS);
      control.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shadow.shutdownNow();
    control.shutdown();
    try {
      control.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private LoadedModel requireCandidate(String modelId) {
    return models
        .candidate(modelId)
        .orElseThrow(
            () ->
                new GatewayException(
                    GatewayException.Code.NOT_FOUND,
                    "model '" + modelId + "' has no candidate update"));
  }

  private Map<String, Object> evidence(LoadedModel candidate, Tally t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("rows", t.rows.get());
    d.put("agreeing_rows", t.agreeing.get());
    d.put("dropped_requests", t.dropped.get());
    d.put("min_rows", minRows(candidate));
    d.put("min_agreement", options.minAgreement());
    d.put("candidate_safety", level(candidate).jsonName());
    d.put("candidate_windows", candidate.monitor().map(m -> m.recentWindows().size()).orElse(0));
    return d;
  }

  private static EventEntry event(
      String type, String actor, LoadedModel model, Map<String, Object> extra) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model_id", model.manifest().modelId());
    details.put("version", model.manifest().version());
    details.put("release", model.manifest().release());
    details.put("bundle_sha256", model.bundle().sha256());
    details.putAll(extra);
    return EventEntry.of(type, actor, details);
  }

  private static String reasonCode(String actor, String act) {
    return (actor.startsWith("system") ? "update." : "operator.") + act;
  }

  private static long minRows(LoadedModel m) {
    return m.manifest().safety().shadowMinPredictions();
  }

  private static SafetyLevel level(LoadedModel m) {
    return m.monitor().map(ModelMonitor::level).orElse(SafetyLevel.NORMAL);
  }

  private static List<String> reasons(LoadedModel m) {
    return m.monitor().map(ModelMonitor::reasons).orElse(List.of());
  }

  private static String id(LoadedModel m) {
    return m.manifest().modelId();
  }

  /** Column 0 of row {@code r} of the decision output. */
  static double score(Manifest manifest, float[][] outputs, int r) {
    String name = manifest.decision().output();
    for (int i = 0; i < manifest.outputs().size(); i++) {
      Manifest.TensorSpec spec = manifest.outputs().get(i);
      if (spec.name().equals(name)) {
        return outputs[i][r * spec.rowWidth()];
      }
    }
    throw new IllegalStateException("no decision output " + name);
  }

  static boolean positive(Manifest manifest, double score) {
    return score >= manifest.decision().threshold();
  }

  /** A candidate's shadow counts, in memory: a restart begins them anew. */
  private static final class Tally {
    final AtomicLong rows = new AtomicLong();
    final AtomicLong agreeing = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    volatile boolean decided;
    volatile boolean passed;

    Tally(boolean passed) {
      this.passed = passed;
      this.decided = passed;
    }
  }

  /** A promoted version's probation, counted on the request path. */
  private static final class Probation {
    final LoadedModel model;
    final long target;
    final AtomicLong answered = new AtomicLong();

    Probation(LoadedModel model, long target) {
      this.model = model;
      this.target = target;
    }

    /** Counts {@code rows} answers; true exactly once, when the target is reached. */
    boolean count(int rows) {
      long before = answered.getAndAdd(rows);
      return before < target && before + rows >= target;
    }
  }
}
