package io.vigil.trust;

/** The one unchecked exception of the trust module; its {@link Code} says what went wrong. */
public final class TrustException extends RuntimeException {

  /** What went wrong. */
  public enum Code {
    /** A key file is missing, unreadable, malformed or has unsafe permissions. */
    KEY_INVALID,
    /** A key could not be created or written. */
    KEY_WRITE_FAILED
  }

  private final Code code;

  public TrustException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public TrustException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
