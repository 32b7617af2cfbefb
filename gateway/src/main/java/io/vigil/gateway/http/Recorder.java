package io.vigil.gateway.http;

import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.validation.ValidatedInput;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Where the OIP API records an answered request before it sends the answer. */
public interface Recorder {

  /**
   * Records one prediction; completes with its ledger sequence number once it is durable, or fails
   * with the reason it could not be recorded (then no answer is sent).
   */
  CompletableFuture<Long> record(
      LoadedModel model,
      String requestId,
      String deviceId,
      ValidatedInput input,
      float[][] outputs,
      long latencyMicros,
      String safety);

  /**
   * Records that the model failed to run a request that passed validation: the model, the request
   * and the error, never the input values; completes with the event's sequence number once it is
   * durable.
   */
  CompletableFuture<Long> recordFailure(
      LoadedModel model, String requestId, String deviceId, String error);

  /** Why recording cannot work now, if it cannot; readiness reports it. */
  Optional<String> problem();
}
