package io.vigil.gateway.models;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.metrics.BatchMeters;
import io.vigil.gateway.metrics.InferenceMeters;
import io.vigil.gateway.systemd.LogFields;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.batch.BatchingOptions;
import io.vigil.inference.batch.MicroBatcher;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import io.vigil.inference.store.ModelStore;
import io.vigil.inference.validation.InputValidator;
import io.vigil.inference.validation.RangePolicy;
import io.vigil.monitoring.ModelMonitor;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The model versions this gateway serves, by model id and version, in the slots {@link Slots}
 * keeps: the <b>active</b> version answers requests that name no version; the <b>previous</b> one
 * is what a rollback restores; the <b>candidate</b>, an update under evaluation, runs in shadow and
 * answers no device, not even one that names its version. Every other loaded version stays
 * addressable by its version string.
 *
 * <p>The active and candidate versions are read on every request: they are kept in their own maps,
 * recomputed when a version is loaded or a slot changes, never searched for per request.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = System.getLogger(ModelRegistry.class.getName());

  private final Map<String, NavigableMap<Long, LoadedModel>> byModel = new ConcurrentHashMap<>();
  private final Map<String, LoadedModel> activeByModel = new ConcurrentHashMap<>();
  private final Map<String, LoadedModel> candidateByModel = new ConcurrentHashMap<>();
  private Slots slots = Slots.none();
  private final RuntimeOptions runtime;
  private final BatchingOptions batching;
  private final RangePolicy rangePolicy;
  private final int maxRowsPerRequest;
  private final InferenceMeters meters;
  private final List<String> refused = new ArrayList<>();
  private final Function<Bundle, Optional<ModelMonitor>> startMonitor;
  private final Consumer<ModelMonitor> stopMonitor;

  /**
   * A registry that will load models with these settings, each with its meters from {@code meters},
   * starting a monitor for each loaded version with {@code startMonitor} and stopping it with
   * {@code stopMonitor} when it is unloaded.
   */
  public ModelRegistry(
      RuntimeOptions runtime,
      BatchingOptions batching,
      RangePolicy rangePolicy,
      int maxRowsPerRequest,
      InferenceMeters meters,
      Function<Bundle, Optional<ModelMonitor>> startMonitor,
      Consumer<ModelMonitor> stopMonitor) {
    this.runtime = runtime;
    this.batching = batching;
    this.rangePolicy = rangePolicy;
    this.maxRowsPerRequest = maxRowsPerRequest;
    this.meters = meters;
    this.startMonitor = startMonitor;
    this.stopMonitor = stopMonitor;
  }

  /**
   * Loads every bundle of the store into the slots {@code slots} keeps; a bundle that fails
   * verification or its golden vectors is refused, logged and listed in {@link #refused()}, and the
   * others still load. An active version that did not load is listed there too, and the model's
   * highest release that is not its candidate answers instead; a candidate that did not load is
   * dropped from its slot, and listed.
   */
  public void loadAll(ModelStore store, Slots slots) {
    synchronized (this) {
      this.slots = slots;
    }
    ModelStore.Listing listing = store.list();
    listing.refused().forEach(this::refuse);
    for (Bundle bundle : listing.bundles()) {
      try {
        load(bundle);
      } catch (InferenceException e) {
        refuse(e.getMessage());
      }
    }
    synchronized (this) {
      for (String model : byModel.keySet()) {
        Slots.Model m = slots.of(model);
        m.candidate()
            .filter(c -> loaded(model, c.bundle()).isEmpty())
            .ifPresent(
                c -> {
                  refuse(
                      "the candidate of "
                          + model
                          + ", "
                          + describe(c.bundle())
                          + ", did not load; it is no longer a candidate");
                  slots.update(model, x -> x.withCandidate(Optional.empty()));
                });
        recompute(model);
        LoadedModel active = activeByModel.get(model);
        m.active()
            .filter(a -> active == null || active.manifest().release() != a.release())
            .ifPresent(
                a ->
                    refuse(
                        "the active version of "
                            + model
                            + ", "
                            + describe(a)
                            + ", did not load; "
                            + (active == null
                                ? "no other installed release may answer: the model answers"
                                    + " nobody until one is installed or its candidate is promoted"
                                : "its highest release "
                                    + active.manifest().version()
                                    + " answers instead")));
      }
    }
  }

  /** Loads one verified bundle and makes it addressable. */
  public synchronized LoadedModel load(Bundle bundle) {
    long started = System.nanoTime();
    OnnxModel model = OnnxModel.load(bundle, runtime);
    Optional<ModelMonitor> monitor;
    try {
      monitor = startMonitor.apply(bundle);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    String id = bundle.manifest().modelId();
    String version = bundle.manifest().version();
    BatchMeters batchMeters = meters.batches(id, version);
    MicroBatcher batcher = new MicroBatcher(model, batching, batchMeters);
    batchMeters.watch(batcher::queueDepth);
    LoadedModel loaded =
        new LoadedModel(
            model,
            batcher,
            new InputValidator(bundle.manifest(), rangePolicy, maxRowsPerRequest),
            meters.requests(id, version),
            monitor);
    NavigableMap<Long, LoadedModel> versions =
        byModel.computeIfAbsent(bundle.manifest().modelId(), k -> new TreeMap<>());
    NavigableMap<Long, LoadedModel> next = new TreeMap<>(versions);
    LoadedModel previous = next.put(bundle.manifest().release(), loaded);
    byModel.put(bundle.manifest().modelId(), next);
    recompute(id);
    if (previous != null) {
      previous.close();
      previous.monitor().ifPresent(stopMonitor);
    }
    LOG.log(
        Level.INFO,
        "loaded "
            + bundle.label()
            + (bundle.manifest().demo() ? " [DEMO, not for clinical use]" : "")
            + " in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms"
            + (batcher.rowNanos() < 0
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; one row takes %.1f us, so it runs %s",
                    batcher.rowNanos() / 1000.0,
                    batcher.runsInline()
                        ? "on the receiving thread while its queue is empty"
                        : "on the batcher's threads")),
        LogFields.event("bundle.loaded").model(id, version));
    return loaded;
  }

  /** The active version of a model. */
  public LoadedModel active(String modelId) {
    LoadedModel active = activeByModel.get(modelId);
    if (active == null) {
      throw notFound("model '" + modelId + "' is not installed; installed: " + byModel.keySet());
    }
    return active;
  }

  /** The active version of a model, if it is installed. */
  public Optional<LoadedModel> findActive(String modelId) {
    return Optional.ofNullable(activeByModel.get(modelId));
  }

  /** Whether {@code model} is the active version of its model. */
  public boolean isActive(LoadedModel model) {
    return activeByModel.get(model.manifest().modelId()) == model;
  }

  /** The candidate of a model, if it has one: it runs in shadow and answers no device. */
  public Optional<LoadedModel> candidate(String modelId) {
    return Optional.ofNullable(candidateByModel.get(modelId));
  }

  /** The candidate of a model, or null: for the request path, without an Optional per request. */
  public LoadedModel candidateOrNull(String modelId) {
    return candidateByModel.get(modelId);
  }

  /** Whether {@code model} is the candidate of its model. */
  public boolean isCandidate(LoadedModel model) {
    return candidateByModel.get(model.manifest().modelId()) == model;
  }

  /** The slots of a model as saved. */
  public synchronized Slots.Model slots(String modelId) {
    return slots.of(modelId);
  }

  /** Where a newly installed version went. */
  public record Placement(LoadedModel model, boolean candidate, Optional<LoadedModel> displaced) {}

  /**
   * Places a newly installed version, saved before it is in force: the first version of a model
   * becomes its active one; a later one becomes its candidate, in shadow from {@code now}, and
   * displaces the candidate before it, if any, which is unloaded.
   *
   * @param automatic whether the candidate promotes itself once the shadow rule holds
   * @throws GatewayException {@code IO_FAILED} when the slots cannot be saved; nothing changed
   */
  public synchronized Placement place(LoadedModel model, boolean automatic, Instant now) {
    String id = model.manifest().modelId();
    requireLoaded(model);
    Slots.Model m = slots.of(id);
    LoadedModel active = activeByModel.get(id);
    if (active == null || active == model) {
      slots.update(id, x -> x.withActive(Optional.of(refOf(model))));
      recompute(id);
      return new Placement(model, false, Optional.empty());
    }
    Optional<LoadedModel> displaced =
        Optional.ofNullable(candidateByModel.get(id)).filter(c -> c != model);
    slots.update(
        id,
        x ->
            x.withCandidate(
                Optional.of(
                    new Slots.Candidate(refOf(model), Slots.Stage.SHADOW, now, automatic))));
    recompute(id);
    displaced.ifPresent(this::unload);
    return new Placement(model, true, displaced);
  }

  /**
   * Moves the candidate of {@code modelId} to {@code stage}, saved before it is in force.
   *
   * @throws GatewayException {@code CONFLICT} when the model has no candidate
   */
  public synchronized LoadedModel stage(String modelId, Slots.Stage stage, Instant now) {
    LoadedModel c = requireCandidate(modelId);
    slots.update(id(c), x -> x.withCandidate(x.candidate().map(k -> k.at(stage, now))));
    return c;
  }

  /** A promotion carried out: the version that answered before, and the one that answers now. */
  public record Promotion(LoadedModel from, LoadedModel to) {}

  /**
   * Makes the candidate of {@code modelId} its active version, the active one its previous, and
   * starts the new active version's probation of {@code predictions} answers; saved before it is in
   * force.
   *
   * @throws GatewayException {@code CONFLICT} when the model has no candidate
   */
  public synchronized Promotion promote(String modelId, long predictions, Instant now) {
    LoadedModel to = requireCandidate(modelId);
    LoadedModel from = active(modelId);
    slots.update(
        modelId,
        x ->
            x.withPrevious(Optional.of(refOf(from)))
                .withActive(Optional.of(refOf(to)))
                .withCandidate(Optional.empty())
                .withProbation(Optional.of(new Slots.Probation(refOf(to), now, predictions))));
    recompute(modelId);
    return new Promotion(from, to);
  }

  /** Ends the probation of {@code modelId}'s active version, saved; nothing if it has none. */
  public synchronized void endProbation(String modelId) {
    if (slots.of(modelId).probation().isPresent()) {
      slots.update(modelId, x -> x.withProbation(Optional.empty()));
    }
  }

  /**
   * Takes the candidate of {@code modelId} out of its slot and unloads it; the bundle stays in the
   * store. Nothing if it has none.
   *
   * @return the candidate taken out
   */
  public synchronized Optional<LoadedModel> dropCandidate(String modelId) {
    LoadedModel c = candidateByModel.get(modelId);
    slots
        .of(modelId)
        .candidate()
        .ifPresent(
            k ->
                slots.update(modelId, x -> x.withCandidate(Optional.empty()).retiring(k.bundle())));
    recompute(modelId);
    if (c != null) {
      unload(c);
    }
    return Optional.ofNullable(c);
  }

  /** A rollback carried out: the version that answered before, and the one that answers now. */
  public record Rollback(LoadedModel from, LoadedModel to) {}

  /**
   * Makes an earlier release of {@code modelId} its active version, saved before it is in force:
   * {@code version}, or else its previous version, or else the highest release below the active
   * one. The version left stays loaded and addressable by its version string; the probation ends;
   * the previous slot then holds the highest release below the new active one.
   *
   * @param sha256 when present, the target bundle's digest must be it (a signed command names it)
   * @throws InferenceException {@code MODEL_NOT_FOUND} when the model or version is not installed
   * @throws GatewayException {@code CONFLICT} when nothing earlier is installed, when {@code
   *     version} is not earlier than the active one, when it is another bundle than {@code sha256}
   *     names, or when it is suspended
   */
  public synchronized Rollback rollback(
      String modelId, Optional<String> version, Optional<String> sha256) {
    LoadedModel from = active(modelId);
    long fromRelease = from.manifest().release();
    LoadedModel to;
    if (version.isPresent()) {
      to = version(modelId, version.get());
      if (to.manifest().release() >= fromRelease) {
        throw conflict(
            "a rollback goes to an earlier release: "
                + modelId
                + " "
                + version.get()
                + " is release "
                + to.manifest().release()
                + ", and the active "
                + from.manifest().version()
                + " is release "
                + fromRelease);
      }
    } else {
      to =
          slots
              .of(modelId)
              .previous()
              .flatMap(p -> loaded(modelId, p))
              .filter(p -> p.manifest().release() < fromRelease)
              .or(() -> below(modelId, fromRelease))
              .orElseThrow(
                  () ->
                      conflict(
                          "no release of "
                              + modelId
                              + " earlier than the active "
                              + from.manifest().version()
                              + " (release "
                              + fromRelease
                              + ") is installed; installed: "
                              + versions(modelId)));
    }
    if (sha256.isPresent() && !sha256.get().equals(to.bundle().sha256())) {
      throw conflict(
          "the installed "
              + to.bundle().label()
              + " has sha256 "
              + to.bundle().sha256()
              + ", not the "
              + sha256.get()
              + " the rollback names");
    }
    if (to.suspended()) {
      throw conflict(
          to.bundle().label()
              + " is suspended: resume it first, or roll back to another version; "
              + from.manifest().version()
              + " stays active");
    }
    LoadedModel target = to;
    Optional<Slots.Ref> previous =
        below(modelId, to.manifest().release()).map(ModelRegistry::refOf);
    slots.update(
        modelId,
        x ->
            x.withActive(Optional.of(refOf(target)))
                .withPrevious(previous)
                .withProbation(Optional.empty())
                .retiring(refOf(from)));
    recompute(modelId);
    return new Rollback(from, to);
  }

  /**
   * One version of a model that may answer a device, by its version string: not its candidate,
   * which answers no device until it is promoted.
   */
  public LoadedModel version(String modelId, String version) {
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    if (versions == null || versions.isEmpty()) {
      throw notFound("model '" + modelId + "' is not installed; installed: " + byModel.keySet());
    }
    Optional<LoadedModel> found = find(modelId, version);
    if (found.isPresent() && isCandidate(found.get())) {
      throw notFound(
          "version '"
              + version
              + "' of model '"
              + modelId
              + "' is a candidate update under evaluation: it answers no device until it is"
              + " promoted; the active version is "
              + active(modelId).manifest().version());
    }
    return found.orElseThrow(
        () ->
            notFound(
                "model '"
                    + modelId
                    + "' has no version '"
                    + version
                    + "'; it has "
                    + versions(modelId)));
  }

  /** One version of a model, by its version string, if it is installed. */
  public Optional<LoadedModel> find(String modelId, String version) {
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    if (versions == null) {
      return Optional.empty();
    }
    return versions.values().stream()
        .filter(m -> m.manifest().version().equals(version))
        .findFirst();
  }

  /** The versions of a model, oldest release first. */
  public List<String> versions(String modelId) {
    return Optional.ofNullable(byModel.get(modelId))
        .map(v -> v.values().stream().map(m -> m.manifest().version()).toList())
        .orElse(List.of());
  }

  /** Every loaded version of every model. */
  public Collection<LoadedModel> all() {
    return byModel.values().stream().flatMap(v -> v.values().stream()).toList();
  }

  /** Why bundles were refused at load, in order. */
  public synchronized List<String> refused() {
    return List.copyOf(refused);
  }

  /** Whether at least one model is loaded. */
  public boolean hasModels() {
    return byModel.values().stream().anyMatch(v -> !v.isEmpty());
  }

  /** Finishes queued requests of every model, then closes every session. */
  @Override
  public synchronized void close() {
    for (LoadedModel m : all()) {
      m.close();
      m.monitor().ifPresent(stopMonitor);
    }
    byModel.clear();
    activeByModel.clear();
    candidateByModel.clear();
  }

  /**
   * Recomputes the active and candidate versions of {@code modelId} from its slots: the active slot
   * if its bundle is loaded, else the highest release that is not the candidate.
   */
  private void recompute(String modelId) {
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    if (versions == null || versions.isEmpty()) {
      activeByModel.remove(modelId);
      candidateByModel.remove(modelId);
      return;
    }
    Slots.Model m = slots.of(modelId);
    Optional<LoadedModel> candidate = m.candidate().flatMap(c -> loaded(modelId, c.bundle()));
    LoadedModel active =
        m.active()
            .flatMap(a -> loaded(modelId, a))
            .filter(a -> candidate.isEmpty() || a != candidate.get())
            .orElseGet(
                () ->
                    versions.descendingMap().values().stream()
                        .filter(v -> candidate.isEmpty() || v != candidate.get())
                        .filter(v -> !m.isRetired(refOf(v)))
                        .findFirst()
                        .orElse(null));
    if (active == null) {
      // Only a candidate is loaded: it never answers devices, so the model has no active version.
      activeByModel.remove(modelId);
    } else {
      activeByModel.put(modelId, active);
    }
    candidate.ifPresentOrElse(
        c -> candidateByModel.put(modelId, c), () -> candidateByModel.remove(modelId));
  }

  /** The loaded version that {@code ref} names, if it is loaded and is that bundle. */
  private Optional<LoadedModel> loaded(String modelId, Slots.Ref ref) {
    return Optional.ofNullable(byModel.get(modelId))
        .map(v -> v.get(ref.release()))
        .filter(m -> m.bundle().sha256().equals(ref.bundleSha256()));
  }

  /** The highest loaded release of {@code modelId} below {@code release} that is no candidate. */
  private Optional<LoadedModel> below(String modelId, long release) {
    Slots.Model slot = slots.of(modelId);
    return byModel.get(modelId).headMap(release, false).descendingMap().values().stream()
        .filter(m -> !isCandidate(m) && !slot.isRetired(refOf(m)))
        .findFirst();
  }

  /**
   * The highest loaded release of {@code modelId} above its active version that holds no slot and
   * was never retired: an update stored but not yet placed when the gateway stopped.
   */
  public synchronized Optional<LoadedModel> unplaced(String modelId) {
    LoadedModel active = activeByModel.get(modelId);
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    if (active == null || versions == null) {
      return Optional.empty();
    }
    Slots.Model slot = slots.of(modelId);
    return versions.tailMap(active.manifest().release(), false).descendingMap().values().stream()
        .filter(m -> !isCandidate(m) && !slot.isRetired(refOf(m)))
        .findFirst();
  }

  /** Every model with a loaded version. */
  public List<String> modelIds() {
    return List.copyOf(new java.util.TreeSet<>(byModel.keySet()));
  }

  private void unload(LoadedModel model) {
    String id = id(model);
    NavigableMap<Long, LoadedModel> next = new TreeMap<>(byModel.get(id));
    next.remove(model.manifest().release(), model);
    byModel.put(id, next);
    recompute(id);
    model.close();
    model.monitor().ifPresent(stopMonitor);
  }

  private void requireLoaded(LoadedModel model) {
    if (byModel.getOrDefault(id(model), new TreeMap<>()).get(model.manifest().release()) != model) {
      throw new IllegalArgumentException(model.bundle().label() + " is not loaded");
    }
  }

  private LoadedModel requireCandidate(String modelId) {
    LoadedModel c = candidateByModel.get(modelId);
    if (c == null) {
      throw conflict("model '" + modelId + "' has no candidate update");
    }
    return c;
  }

  private static String id(LoadedModel m) {
    return m.manifest().modelId();
  }

  private static String describe(Slots.Ref r) {
    return r.version() + " (release " + r.release() + ", sha256 " + r.bundleSha256() + ")";
  }

  private static Slots.Ref refOf(LoadedModel m) {
    return new Slots.Ref(m.manifest().release(), m.manifest().version(), m.bundle().sha256());
  }

  private static GatewayException conflict(String message) {
    return new GatewayException(GatewayException.Code.CONFLICT, message);
  }

  private synchronized void refuse(String reason) {
    refused.add(reason);
    LOG.log(Level.ERROR, "refused a stored bundle: " + reason, LogFields.event("bundle.refused"));
  }

  private static InferenceException notFound(String message) {
    return new InferenceException(Code.MODEL_NOT_FOUND, message);
  }
}
