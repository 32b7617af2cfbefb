package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;

/**
 * Where hospital IT and monitoring reach the gateway, the {@code admin} section of the
 * configuration file: its own port, on loopback by default, serving {@code /metrics} for
 * Prometheus.
 *
 * <p>Every request names an operator (a bearer token from {@code vigil operators add}, or a client
 * certificate whose common name an operator was registered with) acting within a role.
 *
 * @param host the address the admin server listens on
 * @param port the TCP port, 0 for any free port
 * @param tls the admin server's TLS files; required when it listens beyond loopback
 */
public record AdminConfig(String host, int port, TlsConfig tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;

  static final Setting<String> HOST =
      Setting.text("admin.host", "an IP address or a host name", ServerConfig::isHost);
  static final Setting<Integer> PORT = Setting.integer("admin.port", 0, 65535);

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public AdminConfig {
    HOST.check(host);
    PORT.check(port);
    java.util.Objects.requireNonNull(tls, "admin.tls");
    if (!tls.enabled() && !DeviceAccess.isLoopback(host)) {
      throw ConfigErrors.invalid(
          "admin.host '"
              + host
              + "' reaches other machines: the admin port then needs TLS (admin.tls.cert-file"
              + " and admin.tls.key-file), since operators' tokens would cross the network");
    }
  }

  /** An {@code admin} section without TLS (loopback only). */
  public AdminConfig(String host, int port) {
    this(host, port, TlsConfig.none("admin"));
  }

  /** This section with another port. */
  public AdminConfig withPort(int newPort) {
    return new AdminConfig(host, newPort, tls);
  }

  /** The {@code admin} section that an empty file gives. */
  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_HOST, DEFAULT_PORT);
  }
}
