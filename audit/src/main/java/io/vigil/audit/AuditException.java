package io.vigil.audit;

/** The one unchecked exception of the audit module; its {@link Code} says what went wrong. */
public final class AuditException extends RuntimeException {

  /** What went wrong, in terms that the gateway maps to an HTTP status or an exit code. */
  public enum Code {
    /** A transaction could not be committed (I/O error, database locked); the message says why. */
    WRITE_FAILED,
    /**
     * The disk that holds the ledger is full: nothing can be recorded until space is freed; the
     * writer recovers by itself once it is.
     */
    DISK_FULL,
    /**
     * The database, its write-ahead log or its segment files are damaged or missing: the ledger is
     * refused as it is, never overwritten; {@code vigil audit recover} moves it aside intact and
     * starts a new one that continues its history.
     */
    DAMAGED,
    /** An entry cannot be recorded as given (a string with a lone surrogate has no UTF-8 form). */
    INVALID_ENTRY,
    /** The database or a segment file could not be read. */
    READ_FAILED,
    /** Stored data contradicts itself or its hashes. */
    CORRUPT,
    /** A verification found the ledger not to hold; the report says where. */
    VERIFY_FAILED,
    /** An inclusion or consistency proof does not check. */
    INVALID_PROOF,
    /** A signed checkpoint is malformed or its signature does not verify. */
    INVALID_CHECKPOINT,
    /** No entry with that sequence number, or none covered by a checkpoint yet. */
    NOT_FOUND,
    /** The signer failed to sign a checkpoint. */
    SIGN_FAILED,
    /** A segment file could not be written or did not read back as written. */
    ARCHIVE_FAILED,
    /** The database was created with another origin, segment size or a newer schema. */
    INCOMPATIBLE,
    /** Another process (a running gateway) has the ledger open for writing. */
    IN_USE,
    /** Too many entries are waiting for the writer; the caller may retry later. */
    OVERLOADED,
    /** The ledger is closed. */
    CLOSED
  }

  private final Code code;

  public AuditException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public AuditException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
