package io.vigil.monitoring;

/** The one unchecked exception of the monitoring module; its {@link Code} says what went wrong. */
public final class MonitoringException extends RuntimeException {

  /** What went wrong. */
  public enum Code {
    /** A reference data file is missing, unreadable or holds a bad header, row or cell. */
    REFERENCE_DATA_INVALID,
    /** A reference profile is malformed or names a bad value. */
    PROFILE_INVALID,
    /** A bundle could not be built from the given model, manifest, data and evidence. */
    BUNDLE_BUILD_FAILED
  }

  private final Code code;

  public MonitoringException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public MonitoringException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
