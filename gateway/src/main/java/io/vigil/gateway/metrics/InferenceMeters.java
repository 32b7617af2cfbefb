package io.vigil.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of inference requests and of the batchers on the gateway's registry, one holder per
 * model version, made when the version is loaded and kept: a request then costs a counter increment
 * and a timer record, never a registry lookup.
 */
public final class InferenceMeters {

  /** The {@code model} or {@code version} tag of a request that names none that is loaded. */
  public static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final Map<Key, RequestMeters> requests = new ConcurrentHashMap<>();
  private final Map<Key, BatchMeters> batches = new ConcurrentHashMap<>();

  private record Key(String model, String version) {}

  /** Meters registered on {@code registry}. */
  public InferenceMeters(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** The request meters of one model version (or {@link #UNKNOWN}), registered on first use. */
  public RequestMeters requests(String model, String version) {
    return requests.computeIfAbsent(
        new Key(model, version), k -> new RequestMeters(registry, model, version));
  }

  /**
   * The batch meters of one model version, registered on first use; a version loaded again gets the
   * same meters, which then watch its new batcher.
   */
  public BatchMeters batches(String model, String version) {
    return batches.computeIfAbsent(
        new Key(model, version), k -> new BatchMeters(registry, model, version));
  }
}
