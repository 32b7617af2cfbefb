package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;

/**
 * The OIP's gRPC binding, the {@code grpc} section of the configuration file: its own port, on the
 * same host, with the same TLS, device identities and limits as the REST binding ({@code server}).
 *
 * @param enabled whether the gRPC port is served
 * @param port the TCP port, 0 for any free port
 */
public record GrpcConfig(boolean enabled, int port) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_PORT = 8081;

  static final Setting<Boolean> ENABLED = Setting.bool("grpc.enabled");
  static final Setting<Integer> PORT = Setting.integer("grpc.port", 0, 65535);

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public GrpcConfig {
    PORT.check(port);
  }

  /** The {@code grpc} section that an empty file gives: served on 8081. */
  public static GrpcConfig defaults() {
    return new GrpcConfig(DEFAULT_ENABLED, DEFAULT_PORT);
  }

  /** This section with another port. */
  public GrpcConfig withPort(int newPort) {
    return new GrpcConfig(enabled, newPort);
  }
}
