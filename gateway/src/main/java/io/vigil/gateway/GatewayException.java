package io.vigil.gateway;

/**
 * The one unchecked exception of the gateway module; its {@link Code} says what went wrong and, for
 * the {@code vigil} command, which exit status that is. Like the other modules' exceptions it
 * carries no stack trace unless it has a cause: the message is for the person who must act on it.
 */
public final class GatewayException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Code {
    /**
     * The configuration cannot be used; the fix is in the file (exit status 78, sysexits EX_CONFIG,
     * on which the systemd unit does not restart).
     */
    CONFIG_INVALID(78),
    /**
     * The data directory cannot be used: read-only, not writable by this user, or owned by another
     * user while this process runs as root (exit status 73, sysexits EX_CANTCREAT; a person must
     * fix it, so the systemd unit does not restart on it).
     */
    DATA_DIR_UNUSABLE(73),
    /**
     * The identity key is missing while the ledger it signed exists, or its file is unsafe (exit
     * status 77, sysexits EX_NOPERM; not restarted either).
     */
    KEY_UNUSABLE(77),
    /** Something the command was asked to use does not exist: a ledger, a bundle, a file. */
    NOT_FOUND(1),
    /** A file could not be read or written. */
    IO_FAILED(1),
    /** An event that must be recorded could not be committed to the ledger. */
    RECORD_FAILED(1),
    /** A part of the gateway did not start or stop in time, or the wait was interrupted. */
    UNAVAILABLE(1),
    /** {@code vigil doctor} found a check that FAILs; its report says what to fix. */
    CHECK_FAILED(1),
    /** Recorded data does not hold what a command expected of it. */
    DATA_INVALID(1),
    /**
     * The action does not fit the state it would change: a rollback with no earlier release
     * installed, or to a version that is suspended.
     */
    CONFLICT(1),
    /**
     * The MQTT broker could not be reached, refused this client or did not acknowledge in time
     * (exit status 69, sysexits EX_UNAVAILABLE: try again once the broker is back).
     */
    BROKER_UNAVAILABLE(69),
    /**
     * An update failed a trust or scope check; it was recorded, nothing was installed and the
     * models being served did not change (exit status 2).
     */
    UPDATE_REFUSED(2);

    private final int exitStatus;

    Code(int exitStatus) {
      this.exitStatus = exitStatus;
    }

    /** The exit status of a {@code vigil} command that ends with this code. */
    public int exitStatus() {
      return exitStatus;
    }
  }

  private final Code code;

  /** A failure whose message says everything. */
  public GatewayException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** A failure with the cause behind it. */
  public GatewayException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
