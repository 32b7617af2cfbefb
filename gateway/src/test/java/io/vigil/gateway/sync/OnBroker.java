package io.vigil.gateway.sync;

import io.vigil.gateway.config.AuditConfig;
import io.vigil.gateway.config.MonitoringConfig;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.sync.link.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;

/** A test gateway's configuration with the MQTT link on a plain-TCP test broker. */
final class OnBroker {

  /** The fleet of the tests' gateways. */
  static final String FLEET = "ward-fleet";

  /** A request the demo model finds malignant: enough of them move its safety level. */
  static final String MALIGNANT =
      "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1, 30], \"data\":"
          + " [17.99, 10.38, 122.8, 1001, 0.1184, 0.2776, 0.3001, 0.1471, 0.2419, 0.07871, 1.095,"
          + " 0.9053, 8.589, 153.4, 0.006399, 0.04904, 0.05373, 0.01587, 0.03003, 0.006193, 25.38,"
          + " 17.33, 184.6, 2019, 0.1622, 0.6656, 0.7119, 0.2654, 0.4601, 0.1189]}]}";

  /** The summary interval of the tests: long, so that only the summaries a test asks for come. */
  static final Duration SUMMARY_INTERVAL = Duration.ofHours(1);

  private OnBroker() {}

  /**
   * {@code c} with the link to {@code brokerUri} for {@code fleet}, the gateway named {@code
   * gateway} (one topic level, as the link needs), the given monitoring and outbox size.
   */
  static VigilConfig config(
      VigilConfig c,
      String brokerUri,
      String fleet,
      String gateway,
      MonitoringConfig monitoring,
      long outboxMaxBytes) {
    AuditConfig a = c.audit();
    SyncConfig d = SyncConfig.defaults();
    return new VigilConfig(
        c.dataDir(),
        c.server(),
        c.inference(),
        new AuditConfig(
            a.durability(),
            a.storeInputs(),
            a.checkpointEvery(),
            a.checkpointInterval(),
            gateway,
            a.keepEntries(),
            a.segmentEntries(),
            a.archiveInterval(),
            a.minFreeSpace()),
        c.admin(),
        c.trust(),
        monitoring,
        new SyncConfig(
            brokerUri,
            true,
            fleet,
            d.gatewayId(),
            Path.of(""),
            Path.of(""),
            Path.of(""),
            d.repository(),
            SUMMARY_INTERVAL,
            d.sessionExpiry(),
            d.reconnectMaxDelay(),
            outboxMaxBytes,
            d.publishWindow()),
        c.grpc(),
        c.installDemoBundle(),
        c.shutdownGrace());
  }

  /** {@code c} with its updates and commands under the trusted repository {@code repository}. */
  static VigilConfig withRepository(VigilConfig c, String repository) {
    SyncConfig d = c.sync();
    return new VigilConfig(
        c.dataDir(),
        c.server(),
        c.inference(),
        c.audit(),
        c.admin(),
        c.trust(),
        c.monitoring(),
        new SyncConfig(
            d.broker(),
            d.allowPlaintext(),
            d.fleet(),
            d.gatewayId(),
            d.caFile(),
            d.certFile(),
            d.keyFile(),
            repository,
            d.summaryInterval(),
            d.sessionExpiry(),
            d.reconnectMaxDelay(),
            d.outboxMaxBytes(),
            d.publishWindow()),
        c.grpc(),
        c.installDemoBundle(),
        c.shutdownGrace());
  }

  /**
   * {@code c} with its link over TLS: {@code ssl://} to {@code brokerUri}, with these PEM files.
   */
  static VigilConfig withTls(VigilConfig c, String brokerUri, TlsFiles tls) {
    SyncConfig d = c.sync();
    return new VigilConfig(
        c.dataDir(),
        c.server(),
        c.inference(),
        c.audit(),
        c.admin(),
        c.trust(),
        c.monitoring(),
        new SyncConfig(
            brokerUri,
            false,
            d.fleet(),
            d.gatewayId(),
            tls.caPem(),
            tls.certificatePem(),
            tls.keyPem(),
            d.repository(),
            d.summaryInterval(),
            d.sessionExpiry(),
            d.reconnectMaxDelay(),
            d.outboxMaxBytes(),
            d.publishWindow()),
        c.grpc(),
        c.installDemoBundle(),
        c.shutdownGrace());
  }
}
