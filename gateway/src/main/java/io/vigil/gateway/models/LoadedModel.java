package io.vigil.gateway.models;

import io.vigil.gateway.metrics.RequestMeters;
import io.vigil.inference.batch.MicroBatcher;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.validation.InputValidator;

/**
 * One model version ready to answer: its session, its batcher, its input validator and the meters
 * its requests record.
 */
public record LoadedModel(
    OnnxModel model, MicroBatcher batcher, InputValidator validator, RequestMeters meters) {

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
