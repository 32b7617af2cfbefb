package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one device, one connection and one request may take of the gateway, the {@code
 * server.limits} section of the configuration file.
 *
 * <p>Rate and concurrency limits are off by default: until devices are authenticated, every device
 * that names none shares the {@code anonymous} allowance, and a loopback benchmark sends 10-20
 * thousand requests per second as that one device. The limits on connections, headers and time are
 * on, at values no well-behaved device comes near.
 *
 * @param deviceRate requests per second that one device may send, on average; 0 for no limit
 * @param deviceBurst requests that one device may send at once above its rate; 0 for one second of
 *     {@code deviceRate}
 * @param deviceConcurrency requests that one device may have in flight at once; 0 for no limit
 * @param maxConnections connections open at once across all devices; 0 for no limit
 * @param idleTimeout how long a connection may go without a byte read or written before it is
 *     closed
 * @param requestTimeout how long a connection may take to deliver a whole request, headers and
 *     body, from when it opened or its previous answer was sent
 * @param maxHeaderBytes the largest request headers accepted; larger ones get 431
 * @param modelMaxBody the largest request body per model id, in place of {@code
 *     server.max-body-bytes} for that model
 */
public record LimitsConfig(
    int deviceRate,
    int deviceBurst,
    int deviceConcurrency,
    int maxConnections,
    Duration idleTimeout,
    Duration requestTimeout,
    long maxHeaderBytes,
    Map<String, Long> modelMaxBody) {

  static final String SECTION = "server.limits";

  public static final int DEFAULT_DEVICE_RATE = 0;
  public static final int DEFAULT_DEVICE_BURST = 0;
  public static final int DEFAULT_DEVICE_CONCURRENCY = 0;
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final long DEFAULT_MAX_HEADER_BYTES = 8 * Units.KIB;

  static final Setting<Integer> DEVICE_RATE =
      Setting.integer(SECTION + ".device-rate", 0, 1_000_000);
  static final Setting<Integer> DEVICE_BURST =
      Setting.integer(SECTION + ".device-burst", 0, 1_000_000);
  static final Setting<Integer> DEVICE_CONCURRENCY =
      Setting.integer(SECTION + ".device-concurrency", 0, 1_000_000);
  static final Setting<Integer> MAX_CONNECTIONS =
      Setting.integer(SECTION + ".max-connections", 0, 1_000_000);
  static final Setting<Duration> IDLE_TIMEOUT =
      Setting.duration(SECTION + ".idle-timeout", Duration.ofSeconds(1), Duration.ofHours(1));
  static final Setting<Duration> REQUEST_TIMEOUT =
      Setting.duration(
          SECTION + ".request-timeout", Duration.ofMillis(100), Duration.ofMinutes(10));
  static final Setting<Long> MAX_HEADER_BYTES =
      Setting.size(SECTION + ".max-header-bytes", Units.KIB, 64 * Units.KIB);
  static final String MODEL_MAX_BODY = SECTION + ".model-max-body";

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public LimitsConfig {
    DEVICE_RATE.check(deviceRate);
    DEVICE_BURST.check(deviceBurst);
    DEVICE_CONCURRENCY.check(deviceConcurrency);
    MAX_CONNECTIONS.check(maxConnections);
    IDLE_TIMEOUT.check(idleTimeout);
    REQUEST_TIMEOUT.check(requestTimeout);
    MAX_HEADER_BYTES.check(maxHeaderBytes);
    Objects.requireNonNull(modelMaxBody, MODEL_MAX_BODY);
    for (Map.Entry<String, Long> e : modelMaxBody.entrySet()) {
      modelBody(e.getKey()).check(e.getValue());
    }
    modelMaxBody = java.util.Collections.unmodifiableMap(new TreeMap<>(modelMaxBody));
  }

  /** The {@code server.limits} section that an empty file gives. */
  public static LimitsConfig defaults() {
    return new LimitsConfig(
        DEFAULT_DEVICE_RATE,
        DEFAULT_DEVICE_BURST,
        DEFAULT_DEVICE_CONCURRENCY,
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_MAX_HEADER_BYTES,
        Map.of());
  }

  /** The requests one device may send at once: {@code deviceBurst}, or one second of its rate. */
  public int burst() {
    return deviceBurst == 0 ? deviceRate : deviceBurst;
  }

  /** These limits with another rate and burst per device. */
  public LimitsConfig withDeviceRate(int rate, int burst) {
    return new LimitsConfig(
        rate,
        burst,
        deviceConcurrency,
        maxConnections,
        idleTimeout,
        requestTimeout,
        maxHeaderBytes,
        modelMaxBody);
  }

  /** These limits with another number of requests in flight per device. */
  public LimitsConfig withDeviceConcurrency(int concurrency) {
    return new LimitsConfig(
        deviceRate,
        deviceBurst,
        concurrency,
        maxConnections,
        idleTimeout,
        requestTimeout,
        maxHeaderBytes,
        modelMaxBody);
  }

  /** These limits with other limits on connections, their time and their headers. */
  public LimitsConfig withConnections(
      int connections, Duration idle, Duration request, long headerBytes) {
    return new LimitsConfig(
        deviceRate,
        deviceBurst,
        deviceConcurrency,
        connections,
        idle,
        request,
        headerBytes,
        modelMaxBody);
  }

  /** These limits with other body limits per model. */
  public LimitsConfig withModelMaxBody(Map<String, Long> bodies) {
    return new LimitsConfig(
        deviceRate,
        deviceBurst,
        deviceConcurrency,
        maxConnections,
        idleTimeout,
        requestTimeout,
        maxHeaderBytes,
        bodies);
  }

  /** The setting of one model's body limit, whose key names the model. */
  static Setting<Long> modelBody(String model) {
    if (model == null || model.isBlank()) {
      throw ConfigErrors.invalid(MODEL_MAX_BODY, "a model id for each size", "\"\"");
    }
    return Setting.size(MODEL_MAX_BODY + "." + model, Units.KIB, 256 * Units.MIB);
  }
}
