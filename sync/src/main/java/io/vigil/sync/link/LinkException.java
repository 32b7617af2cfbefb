package io.vigil.sync.link;

/** The one unchecked exception of the MQTT link; its {@link Code} says what went wrong. */
public final class LinkException extends RuntimeException {

  /** What went wrong. */
  public enum Code {
    /** The CA, certificate or key file is missing, unreadable or not PEM that the link can use. */
    TLS_FILES,
    /** No connection to the broker's address: refused, unreachable, timed out. */
    UNREACHABLE,
    /** The broker's certificate is not trusted: another CA, expired, self-signed, wrong host. */
    SERVER_NOT_TRUSTED,
    /** The broker refused the link: our client certificate, or a CONNACK reason code. */
    REFUSED,
    /** An established connection was lost or closed by the broker. */
    CONNECTION_LOST,
    /** The link is not connected now; nothing was sent (the caller keeps the message). */
    NOT_CONNECTED,
    /** The broker did not acknowledge a publish or a subscription. */
    NOT_ACKNOWLEDGED,
    /** The link was closed. */
    CLOSED
  }

  private final Code code;

  public LinkException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public LinkException(Code code, String message, Throwable cause) {
    super(message, cause, false, true);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
