package io.vigil.monitoring;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfile.Distribution;
import io.vigil.inference.validation.ValidatedInput;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live monitoring of one model version: what a request hands over is queued without a lock, and the
 * monitor thread folds it into the open window's sketches and counters, closes windows every N rows
 * or T minutes, applies the safety policy and keeps the safety level that every answer carries. Its
 * state is saved in a file every half minute and at shutdown, so that a restart resumes the open
 * window and a crash loses at most half a minute of observations; a change of level is saved at
 * once, and a suspension before it is in force.
 */
public final class ModelMonitor {

  /** How many closed windows the admin API shows. */
  public static final int RECENT_WINDOWS = 24;

  static final Duration SAVE_EVERY = Duration.ofSeconds(30);

  private final Manifest manifest;
  private final MonitorOptions options;
  private final SafetyPolicy policy;
  private final Clock clock;
  private final SafetyListener listener;
  private final MonitorState store;
  private final List<Feature> features;
  private final int[] featureInput;
  private final int[] featureColumn;
  private final int[] inputWidth;
  private final int scoreOutput;
  private final int scoreWidth;
  private final ReferenceProfile.ScoreProfile scoreProfile;
  // What each value is judged by, unboxed once: the decile edges, the reference's 0.5 and 99.5
  // percentiles, the manifest's range (the monitor thread reads them for every value).
  private final float[][] edges;
  private final float[] low;
  private final float[] high;
  private final double[] min;
  private final double[] max;
  private final float[] scoreEdges;

  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  // Outcomes are never dropped: each is a ledger event, and the counts must agree with the ledger.
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder dropped = new LongAdder();

  private volatile SafetyLevel level = SafetyLevel.NORMAL;
  private volatile List<String> levelReasons = List.of();
  private volatile List<WindowResult> recent = List.of();
  private volatile long openRows;
  private volatile LivePerformance live;

  // Monitor thread only.
  private Window window;
  private long windowIndex;
  private final SafetyPolicy.Carried carried = new SafetyPolicy.Carried();
  private final Deque<WindowResult> history = new ArrayDeque<>();
  private boolean dirty;
  private Instant savedAt;
  private final PerformanceTracker performance;
  private SafetyLevel performanceLevel = SafetyLevel.NORMAL;

  private record Observation(ValidatedInput input, float[][] outputs) {}

  private record Missing(int rows) {}

  ModelMonitor(
      Manifest manifest,
      ReferenceProfile reference,
      MonitorOptions options,
      Clock clock,
      Path stateFile,
      SafetyListener listener) {
    this.manifest = manifest;
    this.options = options;
    this.clock = clock;
    this.listener = listener;
    this.store = new MonitorState(stateFile);
    List<Feature> all = new ArrayList<>();
    List<Integer> inputs = new ArrayList<>();
    List<Integer> columns = new ArrayList<>();
    List<TensorSpec> specs = manifest.inputs();
    this.inputWidth = new int[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      inputWidth[i] = spec.rowWidth();
      for (int c = 0; c < spec.features().size(); c++) {
        all.add(spec.features().get(c));
        inputs.add(i);
        columns.add(c);
      }
    }
    this.features = List.copyOf(all);
    this.featureInput = inputs.stream().mapToInt(Integer::intValue).toArray();
    this.featureColumn = columns.stream().mapToInt(Integer::intValue).toArray();
    this.policy = new SafetyPolicy(manifest, reference, features, options.minWindowRows());
    List<Distribution> distributions = policy.distributions();
    int n = features.size();
    this.edges = new float[n][];
    this.low = new float[n];
    this.high = new float[n];
    this.min = new double[n];
    this.max = new double[n];
    for (int f = 0; f < n; f++) {
      edges[f] = distributions.get(f).decileEdgeArray();
      low[f] = distributions.get(f).p0_5();
      high[f] = distributions.get(f).p99_5();
      min[f] = features.get(f).min();
      max[f] = features.get(f).max();
    }
    this.scoreProfile = reference.score();
    this.scoreEdges = scoreProfile.values().decileEdgeArray();
    int out = -1;
    for (int i = 0; i < manifest.outputs().size(); i++) {
      if (manifest.outputs().get(i).name().equals(manifest.decision().output())) {
        out = i;
      }
    }
    if (out < 0) {
      throw new MonitoringException(
          MonitoringException.Code.PROFILE_UNUSABLE,
          "the manifest's decision output " + manifest.decision().output() + " is not an output");
    }
    this.scoreOutput = out;
    this.scoreWidth = manifest.outputs().get(out).rowWidth();
    this.performance = new PerformanceTracker(manifest);
    this.live = performance.snapshot();
    restore();
  }

  /** The model this monitors. */
  public String modelId() {
    return manifest.modelId();
  }

  /** The version this monitors. */
  public String version() {
    return manifest.version();
  }

  /**
   * Hands one answered request to the monitor thread: no lock, no sketch work here. Beyond the
   * queue's capacity the observation is dropped and counted.
   */
  public void observe(ValidatedInput input, float[][] outputs) {
    offer(new Observation(input, outputs));
  }

  /** Counts {@code rows} refused because a value was missing. */
  public void observeMissing(int rows) {
    offer(new Missing(rows));
  }

  /**
   * Hands the observed outcome of one of this version's predictions to the monitor thread, which
   * counts it and applies the live-performance rule; outcomes are never dropped.
   */
  public void outcome(Outcome outcome) {
    outcomes.offer(outcome);
  }

  /** The live performance from the outcomes counted so far. */
  public LivePerformance performance() {
    return live;
  }

  /** The subgroups an outcome may name: those the manifest claims a metric for, and "all". */
  public List<String> subgroups() {
    return performance.subgroups();
  }

  private void offer(Object o) {
    if (queued.incrementAndGet() > options.queueCapacity()) {
      queued.decrementAndGet();
      dropped.increment();
      return;
    }
    queue.offer(o);
  }

  /** The safety level in force: what every answer and ledger entry carries. */
  public SafetyLevel level() {
    return level;
  }

  /** Why the level is what it is. */
  public List<String> reasons() {
    return levelReasons;
  }

  /** Whether the model must not answer. */
  public boolean suspended() {
    return level == SafetyLevel.SUSPEND;
  }

  /** The last {@link #RECENT_WINDOWS} closed windows, oldest first. */
  public List<WindowResult> recentWindows() {
    return recent;
  }

  /** Rows in the open window. */
  public long openWindowRows() {
    return openRows;
  }

  /** Observations dropped because the monitor thread fell behind. */
  public long dropped() {
    return dropped.sum();
  }

  /** The options windows are cut by. */
  public MonitorOptions options() {
    return options;
  }

  // ---- monitor thread ----

  /** Folds what is queued into the window, closes it when due, saves when due. */
  void drain() {
    drainOutcomes();
    Object o;
    while ((o = queue.poll()) != null) {
      queued.decrementAndGet();
      if (o instanceof Observation obs) {
        apply(obs);
      } else if (o instanceof Missing m) {
        window.missingRows += m.rows();
        dirty = true;
      }
      if (window.rows >= options.windowRows()) {
        closeWindow();
      }
    }
    Instant now = clock.instant();
    if (Duration.between(window.opened, now).compareTo(options.windowMaxAge()) >= 0) {
      closeWindow();
    }
    openRows = window.rows;
    if (dirty && Duration.between(savedAt, clock.instant()).compareTo(SAVE_EVERY) >= 0) {
      save();
    }
  }

  private void apply(Observation obs) {
    ValidatedInput input = obs.input();
    int rows = input.rows();
    FloatBuffer[] values = new FloatBuffer[inputWidth.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = input.values(i);
    }
    float[] scores = obs.outputs()[scoreOutput];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < featureInput.length; f++) {
        int i = featureInput[f];
        float v = values[i].get(r * inputWidth[i] + featureColumn[f]);
        window.add(f, v, edges[f], low[f], high[f], min[f], max[f]);
      }
      float score = scores[r * scoreWidth];
      window.addScore(score, scoreEdges, scoreProfile.positive(score));
    }
    dirty = true;
  }

  private void closeWindow() {
    Instant now = clock.instant();
    Window closed = window;
    window = new Window(features.size(), now);
    if (closed.rows == 0 && closed.missingRows == 0) {
      return;
    }
    windowIndex++;
    WindowResult result = policy.evaluate(windowIndex, closed, now, carried);
    history.addLast(result);
    while (history.size() > RECENT_WINDOWS) {
      history.removeFirst();
    }
    recent = List.copyOf(history);
    listener.windowClosed(this, result);
    SafetyLevel next =
        level == SafetyLevel.SUSPEND ? SafetyLevel.SUSPEND : result.level().max(performanceLevel);
    List<String> reasons = reasons(result.level(), result.reasons());
    if (next != level) {
      change(next, reasons, "system");
    } else if (next != SafetyLevel.NORMAL && next != SafetyLevel.SUSPEND) {
      levelReasons = reasons;
    }
    // Saved with the next half-minute's save (or at once, above, when the level changed): at a
    // high rate a window closes many times a second, and an fsync each time would hold the thread.
    dirty = true;
  }

  private void drainOutcomes() {
    Outcome o;
    boolean any = false;
    while ((o = outcomes.poll()) != null) {
      performance.add(o);
      any = true;
      SafetyLevel verdict = performance.verdict();
      if (verdict != performanceLevel) {
        performanceLevel = verdict;
        judgePerformance();
      }
    }
    if (any) {
      live = performance.snapshot();
    }
  }

  /** The level again after the live-performance verdict changed: the drift level or worse. */
  private void judgePerformance() {
    if (level == SafetyLevel.SUSPEND) {
      return;
    }
    WindowResult last = history.peekLast();
    SafetyLevel drift = last == null ? SafetyLevel.NORMAL : last.level();
    SafetyLevel next = drift.max(performanceLevel);
    if (next != level) {
      change(next, reasons(drift, last == null ? List.of() : last.reasons()), "system");
    }
  }

  /** The drift's reasons where drift sets the level, and the breached floors where they do. */
  private List<String> reasons(SafetyLevel drift, List<String> driftReasons) {
    if (performanceLevel == SafetyLevel.NORMAL) {
      return driftReasons;
    }
    List<String> all = new ArrayList<>(performance.breaches());
    if (drift != SafetyLevel.NORMAL) {
      all.addAll(driftReasons);
    }
    return List.copyOf(all);
  }

  /**
   * Suspends the model by a person's act (an operator, or the manufacturer's signed command): the
   * same sticky state the policy's suspension is in, saved before it is in force, lifted only by
   * {@link #resume}. The open window and the policy's carried state are kept: the policy goes on
   * judging what is observed.
   */
  void suspend(String actor, String reason) {
    if (level == SafetyLevel.SUSPEND) {
      throw new MonitoringException(
          MonitoringException.Code.SUSPENDED,
          manifest.modelId() + " " + manifest.version() + " is already suspended");
    }
    change(SafetyLevel.SUSPEND, List.of("suspended by " + actor + ": " + reason), actor);
  }

  /** Resumes a suspended model: an administrator's explicit, audited act. */
  void resume(String actor, String reason) {
    if (level != SafetyLevel.SUSPEND) {
      throw new MonitoringException(
          MonitoringException.Code.SUSPENDED,
          manifest.modelId()
              + " "
              + manifest.version()
              + " is not suspended; it is "
              + level.jsonName());
    }
    carried.cusumUp = 0;
    carried.cusumDown = 0;
    carried.outsideLimits = 0;
    carried.baselineRows = 0;
    carried.baselinePositives = 0;
    carried.baselineWindows = 0;
    window = new Window(features.size(), clock.instant());
    openRows = 0;
    // Judged again on the outcomes that come after the resumption, not on those that suspended it.
    performance.resetWindow();
    performanceLevel = SafetyLevel.NORMAL;
    live = performance.snapshot();
    change(SafetyLevel.NORMAL, List.of("resumed by " + actor + ": " + reason), actor);
  }

  private void change(SafetyLevel next, List<String> reasons, String actor) {
    SafetyLevel from = level;
    listener.levelChanged(this, from, next, reasons, actor);
    levelReasons = reasons;
    // A change of level, above all a suspension or its end, is on disk before it is in force.
    save(next);
    level = next;
  }

  void save() {
    save(level);
  }

  private void save(SafetyLevel saved) {
    store.save(
        new MonitorState.Saved(
            manifest.modelId(),
            manifest.version(),
            saved,
            levelReasons,
            windowIndex,
            carried.cusumUp,
            carried.cusumDown,
            carried.outsideLimits,
            carried.baselineRows,
            carried.baselinePositives,
            carried.baselineWindows,
            window.persist(),
            List.copyOf(history)));
    dirty = false;
    savedAt = clock.instant();
  }

  private void restore() {
    savedAt = clock.instant();
    window = new Window(features.size(), clock.instant());
    store
        .load()
        .ifPresent(
            s -> {
              level = s.level();
              levelReasons = s.reasons();
              windowIndex = s.windowIndex();
              carried.cusumUp = s.cusumUp();
              carried.cusumDown = s.cusumDown();
              carried.outsideLimits = s.outsideLimits();
              carried.baselineRows = s.baselineRows();
              carried.baselinePositives = s.baselinePositives();
              carried.baselineWindows = s.baselineWindows();
              window = s.window().restore(features.size());
              history.addAll(s.history());
              recent = List.copyOf(history);
              openRows = window.rows;
            });
  }
}
