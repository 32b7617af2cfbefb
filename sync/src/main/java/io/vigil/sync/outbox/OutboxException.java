package io.vigil.sync.outbox;

/** The one unchecked exception of the outbox; its {@link Code} says what went wrong. */
public final class OutboxException extends RuntimeException {

  /** What went wrong, in terms the gateway maps to a log record, a fault or an exit status. */
  public enum Code {
    /**
     * A transaction could not be committed or the database could not be read (I/O error, full disk,
     * locked); the message says why, and nothing of the failed call was stored.
     */
    STORAGE,
    /** The database was created by a newer schema, or is not an outbox. */
    INCOMPATIBLE,
    /** The outbox is closed. */
    CLOSED
  }

  private final Code code;

  /** An exception with {@code code} and {@code message}. */
  public OutboxException(Code code, String message) {
    super(message);
    this.code = code;
  }

  /** An exception with {@code code}, {@code message} and its {@code cause}. */
  public OutboxException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
