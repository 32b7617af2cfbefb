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
 * The model versions this gateway serves, by model id and version.
 *
 * <p>The active version of a model, the one that answers requests naming no version, is the release
 * {@link ActiveReleases} chose for it (a rollback's target, or the release last installed), else
 * its highest release in the store. Every loaded version stays addressable by its version string.
 * The active version is read on every request: it is kept in its own map, recomputed when a version
 * is loaded or chosen, never searched for per request.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = System.getLogger(ModelRegistry.class.getName());

  private final Map<String, NavigableMap<Long, LoadedModel>> byModel = new ConcurrentHashMap<>();
  private final Map<String, LoadedModel> activeByModel = new ConcurrentHashMap<>();
  private ActiveReleases chosen = ActiveReleases.none();
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
   * Loads every bundle of the store, each model's active version the one {@code chosen} names; a
   * bundle that fails verification or its golden vectors is refused, logged and listed in {@link
   * #refused()}, and the others still load. A chosen release that did not load is listed there too,
   * and the model's highest release answers instead.
   */
  public void loadAll(ModelStore store, ActiveReleases chosen) {
    synchronized (this) {
      this.chosen = chosen;
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
    for (String model : byModel.keySet()) {
      chosen
          .chosen(model)
          .filter(c -> activeByModel.get(model).manifest().release() != c.release())
          .ifPresent(
              c ->
                  refuse(
                      "the active version chosen for "
                          + model
                          + ", "
                          + c.version()
                          + " (release "
                          + c.release()
                          + ", sha256 "
                          + c.bundleSha256()
                          + "), did not load; its highest release "
                          + activeByModel.get(model).manifest().version()
                          + " answers instead"));
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
    recomputeActive(id);
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

  /**
   * Makes a newly installed version the active one of its model, saved before it is in force.
   *
   * @throws GatewayException {@code IO_FAILED} when the choice cannot be saved; nothing changed
   */
  public synchronized void activate(LoadedModel model) {
    String id = model.manifest().modelId();
    if (byModel.getOrDefault(id, new TreeMap<>()).get(model.manifest().release()) != model) {
      throw new IllegalArgumentException(model.bundle().label() + " is not loaded");
    }
    chosen.choose(id, choiceOf(model));
    recomputeActive(id);
  }

  /** A rollback carried out: the version that answered before, and the one that answers now. */
  public record Rollback(LoadedModel from, LoadedModel to) {}

  /**
   * Makes an earlier release of {@code modelId} its active version, saved before it is in force:
   * {@code version}, or else the highest release below the active one. The version left stays
   * loaded and addressable by its version string.
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
      Map.Entry<Long, LoadedModel> lower = byModel.get(modelId).lowerEntry(fromRelease);
      if (lower == null) {
        throw conflict(
            "no release of "
                + modelId
                + " earlier than the active "
                + from.manifest().version()
                + " (release "
                + fromRelease
                + ") is installed; installed: "
                + versions(modelId));
      }
      to = lower.getValue();
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
    chosen.choose(modelId, choiceOf(to));
    recomputeActive(modelId);
    return new Rollback(from, to);
  }

  /** One version of a model, by its version string. */
  public LoadedModel version(String modelId, String version) {
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    if (versions == null || versions.isEmpty()) {
      throw notFound("model '" + modelId + "' is not installed; installed: " + byModel.keySet());
    }
    return find(modelId, version)
        .orElseThrow(
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
  }

  /** The chosen release if it is loaded and is the bundle chosen, else the highest. */
  private void recomputeActive(String modelId) {
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    LoadedModel highest = versions.lastEntry().getValue();
    LoadedModel active =
        chosen
            .chosen(modelId)
            .map(c -> versions.get(c.release()))
            .filter(
                m ->
                    m.bundle().sha256().equals(chosen.chosen(modelId).orElseThrow().bundleSha256()))
            .orElse(highest);
    activeByModel.put(modelId, active);
  }

  private static ActiveReleases.Choice choiceOf(LoadedModel m) {
    return new ActiveReleases.Choice(
        m.manifest().release(), m.manifest().version(), m.bundle().sha256());
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
