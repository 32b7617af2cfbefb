package io.vigil.gateway.http;

import io.vigil.gateway.config.LimitsConfig;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits of {@code server.limits} with what they count, shared by every verticle of the server:
 * each device's requests, and the connections open.
 */
public final class Limits {

  private final LimitsConfig config;
  private final DeviceLimits devices;
  private final AtomicInteger connections = new AtomicInteger();

  private Limits(LimitsConfig config, DeviceLimits devices) {
    this.config = config;
    this.devices = devices;
  }

  /** Limits that count from nothing, for one server. */
  public static Limits create(LimitsConfig config) {
    return new Limits(config, new DeviceLimits(config, System::nanoTime));
  }

  /** The connections open now. */
  public int connections() {
    return connections.get();
  }

  LimitsConfig config() {
    return config;
  }

  DeviceLimits devices() {
    return devices;
  }

  AtomicInteger connectionCount() {
    return connections;
  }
}
