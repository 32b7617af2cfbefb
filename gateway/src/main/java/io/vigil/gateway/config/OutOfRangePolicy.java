package io.vigil.gateway.config;

/** What the gateway does with an input value outside the plausible range that a model declares. */
public enum OutOfRangePolicy {
  /** Refuse the request; the model does not run. */
  REJECT,
  /** Run the model and mark the result as computed from an out-of-range input. */
  FLAG
}
