package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;

/**
 * Where hospital IT and monitoring reach the gateway, the {@code admin} section of the
 * configuration file: its own port, on loopback by default, serving {@code /metrics} for
 * Prometheus.
 *
 * @param host the address the admin server listens on
 * @param port the TCP port, 0 for any free port
 */
public record AdminConfig(String host, int port) {

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
  }

  /** The {@code admin} section that an empty file gives. */
  public static AdminConfig defaults() {
    return new AdminConfig(DEFAULT_HOST, DEFAULT_PORT);
  }
}
