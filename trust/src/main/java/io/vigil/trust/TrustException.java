package io.vigil.trust;

/** The one unchecked exception of the trust module; its {@link Code} says what went wrong. */
public final class TrustException extends RuntimeException {

  /**
   * What went wrong. The codes of refused metadata and targets name the attack that TUF's check
   * matched (TUF specification 1.0, section 1.5.2), so that a ledger event says which it was.
   */
  public enum Code {
    /** A key file is missing, unreadable, malformed or has unsafe permissions. */
    KEY_INVALID("unusable key"),
    /** A key could not be created or written. */
    KEY_WRITE_FAILED("key not written"),
    /** Metadata or an envelope is not what the specification says: syntax, types, fields. */
    MALFORMED("malformed or wrongly typed metadata"),
    /** Fewer valid signatures by distinct trusted keys than the role's threshold. */
    UNSIGNED("forged or missing signatures (threshold not met; a key counts once)"),
    /** A new root that is not the next version, or not signed by the old and new thresholds. */
    BAD_ROOT_ROTATION("bad root rotation"),
    /** A version lower than one already trusted, or a model release not above the installed. */
    ROLLBACK("rollback attack"),
    /** Metadata past its expiry. */
    EXPIRED("freeze attack (expired metadata)"),
    /** A version, length or hash that disagrees with the role that lists it. */
    MIX_AND_MATCH("mix-and-match attack (metadata disagrees with the role that lists it)"),
    /** Target bytes that differ from the signed length or hash. */
    TARGET_MISMATCH("arbitrary software attack (target differs from its signed hash or length)"),
    /** A file longer than its signed length or than the cap for its kind. */
    TOO_LONG("endless data attack (file over its length cap)"),
    /** No role trusted for the target's path lists the target. */
    NOT_APPROVED("target not approved by any role trusted for its path"),
    /** The files could not be fetched: the source is unreachable or lacks a file. */
    FETCH_FAILED("repository unreachable or incomplete"),
    /** The local trust store is missing, unreadable or cannot be written. */
    STORE_FAILED("local trust store unusable");

    private final String attack;

    Code(String attack) {
      this.attack = attack;
    }

    /** What the failed check guards against, in words for a ledger event or an operator. */
    public String attack() {
      return attack;
    }
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
