package io.vigil.gateway.config;

import io.vigil.sync.link.LinkOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The MQTT link to the manufacturer, the {@code sync} section of the configuration file: off unless
 * {@code broker} is set.
 *
 * @param broker {@code ssl://host:port}, or {@code tcp://host:port} with {@code allowPlaintext}
 *     (tests only); empty for no link
 * @param allowPlaintext whether a {@code tcp://} broker is accepted
 * @param fleet the fleet this gateway belongs to: the topics' second level
 * @param gatewayId this gateway's name on the topics, in its messages and in the manufacturer's
 *     registry; empty for the last {@code /}-separated part of {@code audit.origin} (see {@link
 *     VigilConfig#gatewayId()})
 * @param caFile the PEM of the CA that signed the broker's certificate
 * @param certFile the gateway's PEM certificate (chain)
 * @param keyFile the gateway's PEM private key
 * @param repository the trusted repository (a folder of {@code trust.dir}) whose newest root names
 *     the command keys that commands are verified with
 * @param summaryInterval how often a summary is appended to the outbox
 * @param sessionExpiry how long the broker keeps this gateway's session while it is offline
 * @param reconnectMaxDelay the cap of the reconnect backoff (1 s doubling, with jitter, up to it)
 * @param outboxMaxBytes the most payload bytes the outbox holds before it drops routine rows
 * @param publishWindow the most messages waiting for their PUBACK at once
 */
public record SyncConfig(
    String broker,
    boolean allowPlaintext,
    String fleet,
    String gatewayId,
    Path caFile,
    Path certFile,
    Path keyFile,
    String repository,
    Duration summaryInterval,
    Duration sessionExpiry,
    Duration reconnectMaxDelay,
    long outboxMaxBytes,
    int publishWindow) {

  public static final Duration DEFAULT_SUMMARY_INTERVAL = Duration.ofMinutes(15);
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);

  /** The link's own default, 60 s. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = LinkOptions.DEFAULT_RECONNECT_CAP;

  /** The outbox's own default, 128 MiB. */
  public static final long DEFAULT_OUTBOX_MAX_BYTES = 128L * 1024 * 1024;

  public static final int DEFAULT_PUBLISH_WINDOW = 10;

  /** {@code manufacturer}: the repository {@code vigil install} uses when none is named. */
  public static final String DEFAULT_REPOSITORY = "manufacturer";

  /** One MQTT topic level without wildcards or {@code $}: what fleet and gateway names are. */
  static final String LEVEL = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

  static final Setting<String> BROKER =
      Setting.text(
          "sync.broker",
          "ssl://host:port (tcp://host:port only with sync.allow-plaintext: true), or \"\" for none",
          b -> b.isEmpty() || b.matches("(ssl|tcp)://[^/\\s:]+:[0-9]{1,5}"));
  static final Setting<Boolean> ALLOW_PLAINTEXT = Setting.bool("sync.allow-plaintext");
  static final Setting<String> FLEET =
      Setting.text(
          "sync.fleet",
          "a fleet name of letters, digits, '.', '_' and '-' (one MQTT topic level)",
          f -> f.isEmpty() || f.matches(LEVEL));
  static final Setting<String> GATEWAY_ID =
      Setting.text(
          "sync.gateway-id",
          "a gateway name of letters, digits, '.', '_' and '-', at most 64 (one MQTT topic level),"
              + " or \"\" for the last part of audit.origin",
          g -> g.isEmpty() || g.matches(LEVEL));
  static final Setting<Path> CA_FILE = Setting.pathOrNone("sync.ca-file");
  static final Setting<Path> CERT_FILE = Setting.pathOrNone("sync.cert-file");
  static final Setting<Path> KEY_FILE = Setting.pathOrNone("sync.key-file");
  static final Setting<String> REPOSITORY =
      Setting.text(
          "sync.repository",
          "a trusted repository's name of lower-case letters, digits, '.', '_' and '-'",
          r -> r.matches("[a-z0-9][a-z0-9._-]{0,63}"));
  static final Setting<Duration> SUMMARY_INTERVAL =
      Setting.duration("sync.summary-interval", Duration.ofSeconds(10), Duration.ofHours(24));
  static final Setting<Duration> SESSION_EXPIRY =
      Setting.duration("sync.session-expiry", Duration.ofMinutes(1), Duration.ofDays(365));
  // From the first delay (1 s) to an hour: beyond it an outage ends long before the link notices.
  static final Setting<Duration> RECONNECT_MAX_DELAY =
      Setting.duration("sync.reconnect-max-delay", Duration.ofSeconds(1), Duration.ofHours(1));
  static final Setting<Long> OUTBOX_MAX_BYTES =
      Setting.size("sync.outbox-max-bytes", 4096, 1L << 40);
  static final Setting<Integer> PUBLISH_WINDOW = Setting.integer("sync.publish-window", 1, 1000);

  /**
   * Checks every value; a bad one throws {@link io.vigil.gateway.GatewayException} ({@code
   * CONFIG_INVALID}) naming its key.
   */
  public SyncConfig {
    BROKER.check(broker);
    FLEET.check(fleet);
    GATEWAY_ID.check(gatewayId);
    CA_FILE.check(caFile);
    CERT_FILE.check(certFile);
    KEY_FILE.check(keyFile);
    REPOSITORY.check(repository);
    SUMMARY_INTERVAL.check(summaryInterval);
    SESSION_EXPIRY.check(sessionExpiry);
    RECONNECT_MAX_DELAY.check(reconnectMaxDelay);
    OUTBOX_MAX_BYTES.check(outboxMaxBytes);
    PUBLISH_WINDOW.check(publishWindow);
    if (!broker.isEmpty()) {
      if (fleet.isEmpty()) {
        throw ConfigErrors.invalid("sync.fleet", "a fleet name when sync.broker is set", fleet);
      }
      if (broker.startsWith("tcp://") && !allowPlaintext) {
        throw ConfigErrors.invalid(
            "sync.broker", "ssl://host:port (tcp:// needs sync.allow-plaintext: true)", broker);
      }
      if (broker.startsWith("ssl://")) {
        required(CA_FILE, caFile);
        required(CERT_FILE, certFile);
        required(KEY_FILE, keyFile);
      }
    }
  }

  /** The section that an empty file gives: no link. */
  public static SyncConfig defaults() {
    return new SyncConfig(
        "",
        false,
        "",
        "",
        Path.of(""),
        Path.of(""),
        Path.of(""),
        DEFAULT_REPOSITORY,
        DEFAULT_SUMMARY_INTERVAL,
        DEFAULT_SESSION_EXPIRY,
        DEFAULT_RECONNECT_MAX_DELAY,
        DEFAULT_OUTBOX_MAX_BYTES,
        DEFAULT_PUBLISH_WINDOW);
  }

  /** Whether the link is configured: {@code sync.broker} is set. */
  public boolean enabled() {
    return !broker.isEmpty();
  }

  /** This section with relative file paths taken from {@code dir}, the configuration's folder. */
  public SyncConfig resolvedAgainst(Path dir) {
    return new SyncConfig(
        broker,
        allowPlaintext,
        fleet,
        gatewayId,
        resolve(dir, caFile),
        resolve(dir, certFile),
        resolve(dir, keyFile),
        repository,
        summaryInterval,
        sessionExpiry,
        reconnectMaxDelay,
        outboxMaxBytes,
        publishWindow);
  }

  private static Path resolve(Path dir, Path file) {
    return file.toString().isEmpty() || file.isAbsolute() ? file : dir.resolve(file);
  }

  private static void required(Setting<Path> setting, Path value) {
    if (value.toString().isEmpty()) {
      throw ConfigErrors.invalid(
          setting.key(), "a PEM file when sync.broker is ssl://", value.toString());
    }
  }
}
