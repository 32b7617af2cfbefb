package io.vigil.gateway.http;

import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.InferenceException;
import io.vigil.inference.validation.ValidatedInput;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The one path that every binding's inference request takes once it is decoded (JSON over REST,
 * binary tensors over REST, protobuf over gRPC): the model's safety state, the outputs asked for,
 * the manifest's validation, the batcher, the monitors and the ledger entry, in that order. Given
 * the same input, request id and device, every binding makes the same ledger entry and gets the
 * same outputs and the same refusals, with the same messages.
 */
final class InferencePath {

  /**
   * What a model answered: its outputs, the ledger entry that records them, and the safety level in
   * force when it answered.
   */
  record Answer(float[][] outputs, long auditSeq, String safety) {}

  private final Recorder recorder;
  private final AnswerListener answers;

  InferencePath(Recorder recorder, AnswerListener answers) {
    this.recorder = recorder;
    this.answers = answers;
  }

  /**
   * Checks that {@code model} serves and that {@code request} is one it can run: throws {@code
   * MODEL_UNAVAILABLE} for a suspended model (before anything of the request is looked at), {@code
   * INPUT_INVALID} for an unknown output or an input the manifest refuses, {@code INPUT_MISSING}
   * (counted by the model's monitor) for a missing value.
   */
  static ValidatedInput admit(LoadedModel model, InferRequest request) {
    for (String output : request.outputs()) {
      if (model.manifest().output(output).isEmpty()) {
        throw new InferenceException(
            InferenceException.Code.INPUT_INVALID,
            "unknown output '"
                + output
                + "'; model "
                + model.manifest().modelId()
                + " returns "
                + model.manifest().outputs().stream().map(t -> t.name()).toList());
      }
    }
    try {
      return model.validator().validate(request.inputs());
    } catch (InferenceException e) {
      if (e.code() == InferenceException.Code.INPUT_MISSING) {
        model.monitor().ifPresent(m -> m.observeMissing(1));
      }
      throw e;
    }
  }

  /**
   * Throws {@code MODEL_UNAVAILABLE}, saying why and what to do, when {@code model} is suspended.
   */
  static void serving(LoadedModel model) {
    if (model.suspended()) {
      throw new InferenceException(
          InferenceException.Code.MODEL_UNAVAILABLE, suspendedMessage(model));
    }
  }

  /** What a device hears from a suspended model: why, and what to do instead. */
  static String suspendedMessage(LoadedModel model) {
    return "model "
        + model.manifest().modelId()
        + " version "
        + model.manifest().version()
        + " is suspended, by its patient-safety policy or a person ("
        + String.join("; ", model.monitor().map(m -> m.reasons()).orElse(List.of()))
        + "): fall back to the standard clinical workflow; the model answers again only after an"
        + " administrator resumes it";
  }

  /**
   * Runs {@code input} on {@code model} and records the answer for {@code device} under {@code
   * requestId}; completes once the ledger entry is committed, never before. The entry is made on
   * the thread that ran the model (a runner, or the event loop for an inline model).
   *
   * @param startedNanos when the request arrived ({@link System#nanoTime}), for the recorded
   *     latency
   */
  CompletableFuture<Answer> run(
      LoadedModel model, ValidatedInput input, String requestId, String device, long startedNanos) {
    return model
        .batcher()
        .submit(input)
        .exceptionallyCompose(failure -> recordedFailure(model, requestId, device, failure))
        .thenCompose(
            outputs -> {
              // The level in force when the model answered goes into the record and the answer.
              String safety = model.safety();
              model.monitor().ifPresent(m -> m.observe(input, outputs));
              answers.answered(model, input, outputs, requestId);
              return recorder
                  .record(
                      model,
                      requestId,
                      device,
                      input,
                      outputs,
                      (System.nanoTime() - startedNanos) / 1_000,
                      safety)
                  .thenApply(seq -> new Answer(outputs, seq, safety));
            });
  }

  /**
   * A model that cannot run an input that passed validation is a fault of the model: it is recorded
   * as an event, without the input, before the device gets its error, which names the entry.
   */
  private CompletableFuture<float[][]> recordedFailure(
      LoadedModel model, String requestId, String device, Throwable failure) {
    Throwable cause = HttpErrors.unwrap(failure);
    if (!(cause instanceof InferenceException e)
        || e.code() != InferenceException.Code.RUNTIME_FAILED) {
      return CompletableFuture.failedFuture(cause);
    }
    return recorder
        .recordFailure(model, requestId, device, e.getMessage())
        .handle(
            (seq, notRecorded) ->
                CompletableFuture.<float[][]>failedFuture(
                    new InferenceException(
                        InferenceException.Code.RUNTIME_FAILED,
                        e.getMessage()
                            + (notRecorded == null
                                ? "; recorded as ledger entry " + seq
                                : "; the failure could not be recorded in the ledger: "
                                    + HttpErrors.unwrap(notRecorded).getMessage()))))
        .thenCompose(Function.identity());
  }
}
