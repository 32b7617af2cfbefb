package io.vigil.inference.validation;

/** What happens to a value outside the manifest's plausible range for its feature. */
public enum RangePolicy {
  /** Refuse the request with an error that names the value. */
  REJECT,
  /** Answer, and flag the value in the response and the record. */
  FLAG
}
