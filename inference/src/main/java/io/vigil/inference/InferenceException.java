package io.vigil.inference;

/** The one unchecked exception of the inference module; its {@link Code} says what went wrong. */
public final class InferenceException extends RuntimeException {

  /** What went wrong, in terms that the gateway maps to an HTTP status. */
  public enum Code {
    /** The manifest is missing, malformed or names a bad value. */
    MANIFEST_INVALID,
    /** The bundle is not a readable zip, or its files do not match the manifest. */
    BUNDLE_INVALID,
    /** A request's tensors do not match the model's manifest. */
    INPUT_INVALID,
    /**
     * A request lacks a value the model needs (JSON null): a data-quality signal monitoring counts.
     */
    INPUT_MISSING,
    /** No model or version of that name is installed. */
    MODEL_NOT_FOUND,
    /** The model's queue is full; the caller may retry later. */
    QUEUE_FULL,
    /** The model is loading, draining or closed. */
    MODEL_UNAVAILABLE,
    /** The model store could not be read or written. */
    STORE_FAILED,
    /** ONNX Runtime failed to load or run the model. */
    RUNTIME_FAILED,
    /** A reference data file is missing, unreadable or holds a bad header, row or cell. */
    REFERENCE_DATA_INVALID,
    /** A reference profile is malformed or names a bad value. */
    PROFILE_INVALID,
    /** A bundle could not be built from the given model, manifest, data and evidence. */
    BUNDLE_BUILD_FAILED
  }

  private final Code code;

  public InferenceException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public InferenceException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
