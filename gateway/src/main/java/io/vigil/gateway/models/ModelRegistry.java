package io.vigil.gateway.models;

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
 * <p>Until the update gate exists, the active version of a model is its highest release in the
 * store; every stored version stays addressable by its version string.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = System.getLogger(ModelRegistry.class.getName());

  private final Map<String, NavigableMap<Long, LoadedModel>> byModel = new ConcurrentHashMap<>();
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
   * Loads every bundle of the store; a bundle that fails verification or its golden vectors is
   * refused, logged and listed in {@link #refused()}, and the others still load.
   */
  public void loadAll(ModelStore store) {
    ModelStore.Listing listing = store.list();
    listing.refused().forEach(this::refuse);
    for (Bundle bundle : listing.bundles()) {
      try {
        load(bundle);
      } catch (InferenceException e) {
        refuse(e.getMessage());
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
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    if (versions == null || versions.isEmpty()) {
      throw notFound("model '" + modelId + "' is not installed; installed: " + byModel.keySet());
    }
    return versions.lastEntry().getValue();
  }

  /** The active version of a model, if it is installed. */
  public Optional<LoadedModel> findActive(String modelId) {
    NavigableMap<Long, LoadedModel> versions = byModel.get(modelId);
    return versions == null || versions.isEmpty()
        ? Optional.empty()
        : Optional.of(versions.lastEntry().getValue());
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
  }

  private synchronized void refuse(String reason) {
    refused.add(reason);
    LOG.log(Level.ERROR, "refused a stored bundle: " + reason, LogFields.event("bundle.refused"));
  }

  private static InferenceException notFound(String message) {
    return new InferenceException(Code.MODEL_NOT_FOUND, message);
  }
}
