package io.vigil.monitoring;

/** The one unchecked exception of the monitoring module; its {@link Code} says what went wrong. */
public final class MonitoringException extends RuntimeException {

  /** What went wrong. */
  public enum Code {
    /** A model's manifest or reference profile cannot be monitored as it is. */
    PROFILE_UNUSABLE,
    /** The persisted monitoring state cannot be read or written. */
    STATE_FAILED,
    /**
     * A model is suspended (by the policy or a person) and must not answer, or is not suspended.
     */
    SUSPENDED
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
