package io.vigil.sync.link;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the link reaches its broker: {@code ssl://host:port} with the gateway's PEM files, or {@code
 * tcp://} for tests only.
 *
 * <p>Topic aliases: Paho 1.2.5 uses outgoing aliases whenever the CONNACK offers them and has no
 * setting to refuse them (its Topic Alias Maximum option is the incoming one), and a client that
 * reconnects resends a message in flight with only its alias, which Mosquitto answers with
 * DISCONNECT 130, in a loop (Paho issues 916, 1104). The link therefore makes a fresh client for
 * each connection, which resends nothing; configure the broker without aliases all the same
 * (Mosquitto {@code max_topic_alias 0} after its {@code listener} line, HiveMQ {@code
 * <topic-alias><enabled>false</enabled></topic-alias>}): the link warns when it is offered some.
 */
public record LinkOptions(
    String serverUri,
    String clientId,
    String statusTopic,
    Optional<TlsFiles> tls,
    Duration sessionExpiry,
    Duration keepAlive,
    Duration connectTimeout,
    Duration reconnectBase,
    Duration reconnectCap) {

  /** How long the broker keeps the session (subscriptions, unacknowledged messages) offline. */
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);

  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The first reconnect delay; each failed attempt doubles it, with jitter, up to the cap. */
  public static final Duration DEFAULT_RECONNECT_BASE = Duration.ofSeconds(1);

  public static final Duration DEFAULT_RECONNECT_CAP = Duration.ofSeconds(60);

  /** The largest session expiry MQTT 5 can say short of "never" (0xFFFFFFFF). */
  private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFFFFFEL;

  public LinkOptions {
    Objects.requireNonNull(serverUri, "serverUri");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(statusTopic, "statusTopic");
    Objects.requireNonNull(tls, "tls");
    if (serverUri.startsWith("ssl://")) {
      if (tls.isEmpty()) {
        throw new IllegalArgumentException("serverUri " + serverUri + " needs TLS files");
      }
    } else if (serverUri.startsWith("tcp://")) {
      if (tls.isPresent()) {
        throw new IllegalArgumentException("TLS files given for a tcp:// serverUri " + serverUri);
      }
    } else {
      throw new IllegalArgumentException(
          "serverUri " + serverUri + " is neither ssl://host:port nor tcp://host:port");
    }
    if (clientId.isEmpty()) {
      throw new IllegalArgumentException("clientId is empty");
    }
    if (statusTopic.isEmpty() || statusTopic.contains("+") || statusTopic.contains("#")) {
      throw new IllegalArgumentException(
          "statusTopic '" + statusTopic + "' must be a topic name, without wildcards");
    }
    positive(sessionExpiry, "sessionExpiry");
    if (sessionExpiry.toSeconds() > MAX_SESSION_EXPIRY_SECONDS) {
      throw new IllegalArgumentException("sessionExpiry " + sessionExpiry + " over 0xFFFFFFFE s");
    }
    positive(keepAlive, "keepAlive");
    positive(connectTimeout, "connectTimeout");
    positive(reconnectBase, "reconnectBase");
    positive(reconnectCap, "reconnectCap");
    if (reconnectCap.compareTo(reconnectBase) < 0) {
      throw new IllegalArgumentException(
          "reconnectCap " + reconnectCap + " < reconnectBase " + reconnectBase);
    }
  }

  /** A TLS link with client certificates and the defaults for everything else. */
  public static LinkOptions tls(
      String serverUri, String clientId, String statusTopic, TlsFiles files) {
    return new LinkOptions(
        serverUri,
        clientId,
        statusTopic,
        Optional.of(files),
        DEFAULT_SESSION_EXPIRY,
        DEFAULT_KEEP_ALIVE,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_RECONNECT_BASE,
        DEFAULT_RECONNECT_CAP);
  }

  /** A plain TCP link, for tests. */
  public static LinkOptions plain(String serverUri, String clientId, String statusTopic) {
    return new LinkOptions(
        serverUri,
        clientId,
        statusTopic,
        Optional.empty(),
        DEFAULT_SESSION_EXPIRY,
        DEFAULT_KEEP_ALIVE,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_RECONNECT_BASE,
        DEFAULT_RECONNECT_CAP);
  }

  /** These options with another reconnect backoff. */
  public LinkOptions withReconnect(Duration base, Duration cap) {
    return new LinkOptions(
        serverUri, clientId, statusTopic, tls, sessionExpiry, keepAlive, connectTimeout, base, cap);
  }

  /** These options with another keep-alive interval (how soon a silent broker is noticed). */
  public LinkOptions withKeepAlive(Duration interval) {
    return new LinkOptions(
        serverUri,
        clientId,
        statusTopic,
        tls,
        sessionExpiry,
        interval,
        connectTimeout,
        reconnectBase,
        reconnectCap);
  }

  private static void positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " " + value + " is not positive");
    }
  }
}
