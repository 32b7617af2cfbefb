package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.config.Units;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of the manufacturer's commands that reach the fleet's MQTT broker: its URL, the
 * fleet, and the client certificate that proves who connects (or, for tests only, none).
 */
final class BrokerOptions {

  @Option(
      names = "--broker",
      required = true,
      paramLabel = "URL",
      description =
          "The fleet's MQTT 5 broker: ssl://host:port, or tcp://host:port with --allow-plaintext.")
  String broker;

  @Option(
      names = "--fleet",
      required = true,
      paramLabel = "FLEET",
      description = "The fleet: the topics under vigil/v1/FLEET/.")
  String fleet;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "PEM: the CA of the broker's certificate.")
  Path ca;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "PEM: this client's certificate (chain).")
  Path cert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM: this client's private key.")
  Path tlsKey;

  @Option(
      names = "--allow-plaintext",
      description =
          "Allow a tcp:// broker, without TLS: for tests and a broker on this machine only.")
  boolean allowPlaintext;

  @Option(
      names = "--connect-timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description =
          "How long to try to reach the broker before giving up (default: ${DEFAULT-VALUE}).")
  String connectTimeout;

  /**
   * The link's options for {@code clientId}, its status on {@code
   * vigil/v1/FLEET/manufacturer/ID/status}.
   */
  LinkOptions link(String clientId, Optional<Duration> sessionExpiry) {
    String status = "vigil/v1/" + fleet + "/manufacturer/" + clientId + "/status";
    boolean anyTls = ca != null || cert != null || tlsKey != null;
    LinkOptions options;
    try {
      if (broker.startsWith("tcp://")) {
        if (!allowPlaintext) {
          throw usage("--broker " + broker + " is plain TCP: use ssl:// or add --allow-plaintext");
        }
        if (anyTls) {
          throw usage("--ca, --cert and --tls-key are for an ssl:// broker, not " + broker);
        }
        options = LinkOptions.plain(broker, clientId, status);
      } else {
        if (ca == null || cert == null || tlsKey == null) {
          throw usage("--broker " + broker + " needs --ca, --cert and --tls-key");
        }
        options = LinkOptions.tls(broker, clientId, status, new TlsFiles(ca, cert, tlsKey));
      }
    } catch (IllegalArgumentException e) {
      throw usage("--broker: " + e.getMessage());
    }
    Duration connect = connectTimeout();
    options =
        new LinkOptions(
            options.serverUri(),
            options.clientId(),
            options.statusTopic(),
            options.tls(),
            sessionExpiry.orElse(options.sessionExpiry()),
            options.keepAlive(),
            connect,
            options.reconnectBase(),
            options.reconnectCap());
    return options;
  }

  Duration connectTimeout() {
    return Units.parseDuration(connectTimeout)
        .filter(d -> !d.isZero() && !d.isNegative())
        .orElseThrow(
            () -> usage("--connect-timeout " + connectTimeout + " is not a duration such as 10s"));
  }

  private static GatewayException usage(String message) {
    return new GatewayException(Code.CONFIG_INVALID, message);
  }
}
