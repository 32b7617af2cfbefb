package io.vigil.sync.command;

/**
 * The exception of the manufacturer's commands; its {@link Code} says exactly why one is refused.
 */
public final class CommandException extends RuntimeException {

  /** Why a command was refused, or what failed around it. */
  public enum Code {
    /**
     * The trusted root names no command keys ({@code x-vigil-commands}): no command is accepted.
     */
    NO_COMMAND_KEY("the trusted root names no command keys"),
    /** The envelope or its payload is not what the format says: syntax, types, fields. */
    MALFORMED("malformed envelope or command"),
    /** The envelope carries no signature at all. */
    UNSIGNED("unsigned command"),
    /** The envelope's payload type is not {@link Command#PAYLOAD_TYPE}. */
    WRONG_PAYLOAD_TYPE("not a command (wrong payload type)"),
    /** No signature names a command key of the trusted root. */
    UNKNOWN_KEY("signed by no command key of the trusted root"),
    /** A signature by a command key does not verify: the payload or its type was changed. */
    TAMPERED("tampered payload (a command key's signature does not verify)"),
    /** Valid signatures by fewer distinct command keys than the root's threshold. */
    BELOW_THRESHOLD("too few valid signatures by distinct command keys"),
    /** The command names another fleet. */
    WRONG_FLEET("meant for another fleet"),
    /** The command names another gateway. */
    WRONG_GATEWAY("meant for another gateway"),
    /**
     * The command's {@code issued_at} is ahead of this gateway's clock, beyond the skew allowed.
     */
    NOT_YET_VALID("not yet valid"),
    /** The command's {@code expires_at} has passed, beyond the skew allowed. */
    EXPIRED("expired"),
    /** The command's id was accepted before, or its counter is not above the highest accepted. */
    REPLAYED("replayed"),
    /** The replay guard's file cannot be read or written: no command is accepted. */
    STORE_FAILED("replay guard unusable");

    private final String reason;

    Code(String reason) {
      this.reason = reason;
    }

    /** Why, in words for a ledger event or an operator. */
    public String reason() {
      return reason;
    }
  }

  private final Code code;

  public CommandException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public CommandException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** Why. */
  public Code code() {
    return code;
  }
}
