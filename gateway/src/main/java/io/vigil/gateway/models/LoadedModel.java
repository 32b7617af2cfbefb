package io.vigil.gateway.models;

import io.vigil.gateway.metrics.RequestMeters;
import io.vigil.inference.batch.MicroBatcher;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.validation.InputValidator;
import io.vigil.monitoring.ModelMonitor;
import java.util.Optional;

/**
 * One model version ready to answer: its session, its batcher, its input validator, the meters its
 * requests record and, unless monitoring is off or the bundle has no reference profile, its live
 * monitor.
 */
public record LoadedModel(
    OnnxModel model,
    MicroBatcher batcher,
    InputValidator validator,
    RequestMeters meters,
    Optional<ModelMonitor> monitor) {

  /** The name of the safety state of a model that nothing monitors. */
  public static final String UNMONITORED = "unmonitored";

  /** The safety state in force, as answers and ledger entries carry it. */
  public String safety() {
    return monitor.isPresent() ? monitor.get().level().jsonName() : UNMONITORED;
  }

  /** Whether the safety policy suspended this version. */
  public boolean suspended() {
    return monitor.isPresent() && monitor.get().suspended();
  }

  /** The verified bundle. */
  public Bundle bundle() {
    return model.bundle();
  }

  /** The bundle's manifest. */
  public Manifest manifest() {
    return model.manifest();
  }

  /** Finishes queued requests, then closes the session. */
  void close() {
    batcher.close();
    model.close();
  }
}
