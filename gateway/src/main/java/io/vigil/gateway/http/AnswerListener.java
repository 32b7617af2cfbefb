package io.vigil.gateway.http;

import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.validation.ValidatedInput;

/**
 * Told of every answer a model version gave, on the request's path, after the model ran and before
 * the answer is recorded: it must return at once (the update gate counts a probation and hands a
 * copy to the shadow's queue).
 */
@FunctionalInterface
public interface AnswerListener {

  /** Nobody listens. */
  AnswerListener NONE = (model, input, outputs, requestId) -> {};

  void answered(LoadedModel model, ValidatedInput input, float[][] outputs, String requestId);
}
