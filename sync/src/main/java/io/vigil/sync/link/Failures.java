package io.vigil.sync.link;

import io.vigil.sync.link.LinkException.Code;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Paho's failures as the link's codes. */
final class Failures {

  /** Paho's "connection lost"; during a TLS connect, how a refused client certificate shows. */
  private static final int CONNECTION_LOST = 32109;

  private static final int TIMED_OUT = 32000;

  /** Paho's "client is not connected": the connection died before the link heard of it. */
  private static final int NOT_CONNECTED = 32104;

  /**
   * Paho's "client is currently disconnecting": a publish that raced the connection's loss, while
   * Paho was tearing the client down; nothing was sent (seen once in MqttLinkTest under load).
   */
  private static final int DISCONNECTING = 32102;

  private Failures() {}

  static LinkException ofConnect(Throwable failure, boolean tls) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
        return new LinkException(
            Code.SERVER_NOT_TRUSTED,
            "the broker's certificate is not trusted: " + t.getMessage(),
            t);
      }
      // The broker's alert: it refused our certificate during the handshake (TLS 1.2).
      if (t instanceof SSLException && String.valueOf(t.getMessage()).contains("fatal alert")) {
        return new LinkException(
            Code.REFUSED, "the broker refused the TLS handshake: " + t.getMessage(), t);
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException) {
        return new LinkException(Code.UNREACHABLE, "broker unreachable: " + t.getMessage(), t);
      }
    }
    if (failure instanceof MqttException e) {
      int reason = e.getReasonCode();
      if (reason >= 0x80 && reason <= 0xFF) {
        return new LinkException(
            Code.REFUSED, "the broker refused the connection, reason " + reason, failure);
      }
      // With TLS 1.3 the broker checks our certificate after the client's handshake is done, and
      // Paho sees only the closed socket: 32109, or reason 0 (FIELD-NOTES).
      if (tls && (reason == CONNECTION_LOST || reason == 0)) {
        return new LinkException(
            Code.REFUSED,
            "the broker closed the TLS connection while connecting (our client certificate?)",
            failure);
      }
      if (reason == TIMED_OUT) {
        return new LinkException(Code.UNREACHABLE, "no CONNACK in time", failure);
      }
    }
    return new LinkException(
        Code.UNREACHABLE, "connect failed: " + String.valueOf(failure.getMessage()), failure);
  }

  static LinkException ofPublish(Throwable failure) {
    if (failure instanceof MqttException e && e.getReasonCode() == CONNECTION_LOST) {
      return new LinkException(
          Code.CONNECTION_LOST, "connection lost before the broker acknowledged", failure);
    }
    if (failure instanceof MqttException e
        && (e.getReasonCode() == NOT_CONNECTED || e.getReasonCode() == DISCONNECTING)) {
      return new LinkException(Code.NOT_CONNECTED, "not connected, nothing sent", failure);
    }
    return new LinkException(
        Code.NOT_ACKNOWLEDGED,
        "not acknowledged: " + String.valueOf(failure.getMessage()),
        failure);
  }
}
