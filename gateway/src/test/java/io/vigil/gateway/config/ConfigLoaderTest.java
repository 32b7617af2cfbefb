package io.vigil.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.Durability;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.validation.RangePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  private static final String FILE = "vigil.yaml";

  @Test
  void readsEmptyFileAsDefaults() {
    // given a file without a single key
    String yaml = "";

    // when it is read
    VigilConfig config = ConfigLoader.parse(yaml, FILE);

    // then every setting has its default
    assertEquals(VigilConfig.defaults(), config);
  }

  @Test
  void readsFileOfCommentsAndEmptySectionsAsDefaults() {
    String yaml = "# nothing set yet\nserver:\n  # port: 9000\ninference:\n";

    VigilConfig config = ConfigLoader.parse(yaml, FILE);

    assertEquals(VigilConfig.defaults(), config);
  }

  @Test
  void readsEveryKeyOfFullFile() {
    // given a file that sets every key to something other than its default
    String yaml =
        """
        data-dir: /var/lib/vigil
        install-demo-bundle: false
        shutdown-grace: PT45S
        server:
          host: 0.0.0.0
          port: 9443
          max-body-bytes: 512KiB
          device-identity-header: X-Device-Id
          tls:
            cert-file: /etc/vigil/tls/server.pem
            key-file: /etc/vigil/tls/server.key
            client-ca-file: /etc/vigil/tls/hospital-ca.pem
            crl-file: /etc/vigil/tls/hospital.crl
          device-auth: required
          trusted-proxies: [10.0.0.5, "fd00::5"]
        inference:
          max-batch-size: 64
          max-queue-delay: 5ms
          queue-capacity: 4096
          runners: 3
          intra-op-threads: 2
          out-of-range: flag
          max-rows-per-request: 1000
          inline-below: 250us
        audit:
          durability: normal
          store-inputs: false
          checkpoint-every: 50
          checkpoint-interval: 2m
          origin: hospital.example/icu-gw-1
          keep-entries: 5000
          segment-entries: 1024
          archive-interval: 30m
          min-free-space: 2048MiB
        admin:
          host: 0.0.0.0
          port: 9091
          tls:
            cert-file: /etc/vigil/tls/admin.pem
            key-file: /etc/vigil/tls/admin.key
        """;

    // when it is read
    VigilConfig config = ConfigLoader.parse(yaml, FILE);

    // then each value lands in its component
    assertEquals(
        new VigilConfig(
            Path.of("/var/lib/vigil"),
            new ServerConfig(
                "0.0.0.0",
                9443,
                512 * 1024,
                ServerConfig.defaultMaxInflightBodyBytes(),
                "X-Device-Id",
                new DeviceAccess(
                    new TlsConfig(
                        "server",
                        Path.of("/etc/vigil/tls/server.pem"),
                        Path.of("/etc/vigil/tls/server.key"),
                        Path.of("/etc/vigil/tls/hospital-ca.pem"),
                        Path.of("/etc/vigil/tls/hospital.crl")),
                    false,
                    DeviceAccess.Authentication.REQUIRED,
                    java.util.List.of("10.0.0.5", "fd00::5")),
                LimitsConfig.defaults()),
            new InferenceConfig(
                64,
                Duration.ofMillis(5),
                4096,
                3,
                2,
                RangePolicy.FLAG,
                1000,
                Duration.ofNanos(250_000)),
            new AuditConfig(
                Durability.NORMAL,
                false,
                50,
                Duration.ofMinutes(2),
                "hospital.example/icu-gw-1",
                5000,
                1024,
                Duration.ofMinutes(30),
                2048 * 1024 * 1024L),
            new AdminConfig(
                "0.0.0.0",
                9091,
                new TlsConfig(
                    "admin",
                    Path.of("/etc/vigil/tls/admin.pem"),
                    Path.of("/etc/vigil/tls/admin.key"),
                    Path.of(""),
                    Path.of(""))),
            TrustConfig.defaults(),
            MonitoringConfig.defaults(),
            false,
            Duration.ofSeconds(45)),
        config);
  }

  @ParameterizedTest
  @CsvSource({"1500ms, 1500", "10s, 10000", "5m, 300000", "PT10S, 10000", "pt1m, 60000"})
  void readsDurationsWithUnitsAndInIso8601(String written, long expectedMillis) {
    VigilConfig config = ConfigLoader.parse("shutdown-grace: " + written, FILE);

    assertEquals(Duration.ofMillis(expectedMillis), config.shutdownGrace());
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "0ms, 0", "100ms, 100"})
  void readsQueueDelayFromZeroToItsLimit(String written, long expectedMillis) {
    VigilConfig config = ConfigLoader.parse("inference:\n  max-queue-delay: " + written, FILE);

    assertEquals(Duration.ofMillis(expectedMillis), config.inference().maxQueueDelay());
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "0us, 0", "25us, 25000", "1ms, 1000000", "10ms, 10000000"})
  void readsInlineBelowInMicrosecondsUpToItsLimit(String written, long expectedNanos) {
    VigilConfig config = ConfigLoader.parse("inference:\n  inline-below: " + written, FILE);

    assertEquals(Duration.ofNanos(expectedNanos), config.inference().inlineBelow());
  }

  @ParameterizedTest
  @CsvSource({"1024, 1024", "2048, 2048", "4KiB, 4096", "2MiB, 2097152", "256MiB, 268435456"})
  void readsSizesInBytesKibAndMib(String written, long expectedBytes) {
    VigilConfig config =
        ConfigLoader.parse(
            "server:\n  max-body-bytes: " + written + "\n  max-inflight-body-bytes: 256MiB", FILE);

    assertEquals(expectedBytes, config.server().maxBodyBytes());
  }

  @Test
  void readsTheTrustSectionAndPutsARelativeTrustDirectoryUnderTheDataDirectory() {
    VigilConfig config =
        ConfigLoader.parse("data-dir: /var/lib/vigil\ntrust:\n  dir: tuf\n  site: ward-7\n", FILE);

    assertEquals(Path.of("/var/lib/vigil/tuf"), config.trustDir());
    assertEquals("ward-7", config.trust().site());
    assertEquals(
        Path.of("/etc/vigil/trust"),
        ConfigLoader.parse("trust:\n  dir: /etc/vigil/trust\n", FILE).trustDir());
  }

  @Test
  void readsTrustRootsAsADirectoryUnderTheDataDirectoryOrNone() {
    assertEquals(
        Optional.of(Path.of("/etc/vigil/trust")),
        ConfigLoader.parse("trust:\n  roots: /etc/vigil/trust\n", FILE).trustRoots());
    assertEquals(
        Optional.of(Path.of("/var/lib/vigil/roots")),
        ConfigLoader.parse("data-dir: /var/lib/vigil\ntrust:\n  roots: roots\n", FILE)
            .trustRoots());
    assertEquals(
        Optional.empty(), ConfigLoader.parse("trust:\n  roots: \"\"\n", FILE).trustRoots());
    assertEquals(Optional.empty(), VigilConfig.defaults().trustRoots());
  }

  @Test
  void readsTheMonitoringSectionAndRefusesAMinimumAboveTheWindow() {
    VigilConfig config =
        ConfigLoader.parse(
            "monitoring:\n  enabled: false\n  window-rows: 1000\n  min-window-rows: 400\n"
                + "  window-max-age: 5m\n",
            FILE);

    assertEquals(
        new MonitoringConfig(false, 1000, 400, java.time.Duration.ofMinutes(5)),
        config.monitoring());
    assertEquals(
        "vigil.yaml: monitoring.min-window-rows: expected at most monitoring.window-rows (100),"
            + " got '200'",
        errorOf("monitoring:\n  window-rows: 100\n  min-window-rows: 200\n"));
  }

  @Test
  void rejectsASiteNameThatIsNotOneWord() {
    assertTrue(
        errorOf("trust:\n  site: ward 7\n")
            .startsWith("vigil.yaml: trust.site: expected a site name"),
        errorOf("trust:\n  site: ward 7\n"));
  }

  private static final String LINK =
      "sync:\n  broker: tcp://broker.example:1883\n  allow-plaintext: true\n  fleet: acme\n";

  @Test
  void namesTheGatewayOnMqttAfterTheHostByDefault() {
    // given a link configured without audit.origin or sync.gateway-id
    VigilConfig config = ConfigLoader.parse(LINK, FILE);

    // then the default origin vigil/<host> gives the gateway the host's name, one topic level
    String origin = config.audit().originOrHost();
    assertTrue(origin.startsWith("vigil/"), origin);
    assertEquals(origin.substring("vigil/".length()), config.gatewayId());
    assertTrue(config.gatewayId().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), config.gatewayId());
  }

  @Test
  void namesTheGatewayOnMqttAsConfiguredOrAfterTheOriginsLastPart() {
    assertEquals(
        "icu-gw-1",
        ConfigLoader.parse(LINK + "audit:\n  origin: hospital.example/icu-gw-1\n", FILE)
            .gatewayId());
    assertEquals(
        "gw-ward-3", ConfigLoader.parse(LINK + "audit:\n  origin: gw-ward-3\n", FILE).gatewayId());
    assertEquals(
        "ward-3.north",
        ConfigLoader.parse(
                LINK + "  gateway-id: ward-3.north\naudit:\n  origin: hospital.example/icu\n", FILE)
            .gatewayId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ward/3", "ward+3", "ward#3", "$ward", "ward 3", "-ward"})
  void rejectsAGatewayIdThatIsNotOneTopicLevel(String id) {
    assertTrue(
        errorOf(LINK + "  gateway-id: '" + id + "'\n")
            .startsWith("vigil.yaml: sync.gateway-id: expected a gateway name"),
        errorOf(LINK + "  gateway-id: '" + id + "'\n"));
  }

  @Test
  void readsTheReconnectCapAndDefaultsItToTheLinksSixtySeconds() {
    assertEquals(Duration.ofSeconds(60), ConfigLoader.parse(LINK, FILE).sync().reconnectMaxDelay());
    assertEquals(
        Duration.ofMinutes(5),
        ConfigLoader.parse(LINK + "  reconnect-max-delay: 5m\n", FILE).sync().reconnectMaxDelay());
    assertEquals(
        Duration.ofSeconds(1),
        ConfigLoader.parse(LINK + "  reconnect-max-delay: 1s\n", FILE).sync().reconnectMaxDelay());
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "0s", "2h"})
  void rejectsAReconnectCapOutsideOneSecondToAnHour(String written) {
    assertEquals(
        "vigil.yaml: sync.reconnect-max-delay: expected a duration from 1s to 1h,"
            + " written like 250ms, 10s, 5m or PT10S, got '"
            + written
            + "'",
        errorOf(LINK + "  reconnect-max-delay: " + written + "\n"));
  }

  @Test
  void rejectsAnOriginWhoseLastPartIsNoGatewayNameWhenNoGatewayIdIsSet() {
    String error = errorOf(LINK + "audit:\n  origin: hospital.example/\n");

    assertTrue(error.startsWith("vigil.yaml: sync.gateway-id: expected a gateway name"), error);
  }

  @Test
  void readsTheMemoryForRequestBodiesAsASizeOrAutoAQuarterOfTheHeap() {
    VigilConfig set = ConfigLoader.parse("server:\n  max-inflight-body-bytes: 32MiB", FILE);
    VigilConfig auto = ConfigLoader.parse("server:\n  max-inflight-body-bytes: auto", FILE);

    assertEquals(32L << 20, set.server().maxInflightBodyBytes());
    long quarterOfHeap = Runtime.getRuntime().maxMemory() / 4;
    assertEquals(quarterOfHeap - quarterOfHeap % (1 << 20), auto.server().maxInflightBodyBytes());
    assertEquals(VigilConfig.defaults().server(), auto.server());
  }

  @Test
  void rejectsABodyLimitThatTheMemoryForRequestBodiesCouldNeverHold() {
    assertEquals(
        "vigil.yaml: server.max-body-bytes: expected at most server.max-inflight-body-bytes"
            + " (1MiB), got '2MiB': a body that large could never be read within the memory that"
            + " request bodies may hold at once; lower it, or raise server.max-inflight-body-bytes"
            + " or the heap (-Xmx)",
        errorOf("server:\n  max-body-bytes: 2MiB\n  max-inflight-body-bytes: 1MiB\n"));
  }

  @Test
  void rejectsMoreMemoryForRequestBodiesThanTheHeap() {
    long overHeap = Runtime.getRuntime().maxMemory() + 1;

    assertTrue(
        errorOf("server:\n  max-inflight-body-bytes: " + overHeap + "\n")
            .startsWith(
                "vigil.yaml: server.max-inflight-body-bytes: expected a size from 64KiB to "),
        "names the key and the range");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "gateway.ward-3.example.org", "10.0.0.7", "::1", "::"})
  void acceptsLiteralAddressesAndHostNames(String host) {
    VigilConfig config =
        ConfigLoader.parse("server:\n  host: '" + host + "'\n  plaintext: true", FILE);

    assertEquals(host, config.server().host());
  }

  @Test
  void readsRunnersAutoAsProcessorsCappedAtFour() {
    VigilConfig config = ConfigLoader.parse("inference:\n  runners: auto", FILE);

    assertEquals(
        Math.max(1, Math.min(Runtime.getRuntime().availableProcessors() - 1, 4)),
        config.inference().runners());
  }

  @Test
  void rejectsWordWhereIntegerIsExpected() {
    // given a batch size that is not a number
    String yaml = "inference:\n  max-batch-size: lots\n";

    // when it is read, then the message names the file, the key, the range and the value
    assertEquals(
        "vigil.yaml: inference.max-batch-size: expected an integer from 1 to 1024, got 'lots'",
        errorOf(yaml));
  }

  @Test
  void rejectsFractionWhereIntegerIsExpected() {
    assertEquals(
        "vigil.yaml: inference.queue-capacity: expected an integer from 1 to 1000000, got '1.5'",
        errorOf("inference:\n  queue-capacity: 1.5\n"));
  }

  @Test
  void rejectsIntegerOutOfRange() {
    assertEquals(
        "vigil.yaml: server.port: expected an integer from 0 to 65535, got '70000'",
        errorOf("server:\n  port: 70000\n"));
  }

  @Test
  void rejectsIntegerTooLargeForAnyRange() {
    assertEquals(
        "vigil.yaml: inference.runners: expected an integer from 1 to 64, or auto,"
            + " got '99999999999'",
        errorOf("inference:\n  runners: 99999999999\n"));
  }

  @Test
  void rejectsKeyWithoutValue() {
    assertEquals(
        "vigil.yaml: server.port: expected an integer from 0 to 65535, got nothing",
        errorOf("server:\n  port:\n"));
  }

  @Test
  void rejectsListWhereNumberIsExpected() {
    assertEquals(
        "vigil.yaml: inference.intra-op-threads: expected an integer from 1 to 64, got a list",
        errorOf("inference:\n  intra-op-threads: [1, 2]\n"));
  }

  @Test
  void rejectsUnreadableDuration() {
    assertEquals(
        "vigil.yaml: shutdown-grace: expected a duration from 1s to 10m,"
            + " written like 250ms, 10s, 5m or PT10S, got 'soon'",
        errorOf("shutdown-grace: soon\n"));
  }

  @Test
  void rejectsDurationWithoutUnit() {
    assertEquals(
        "vigil.yaml: shutdown-grace: expected a duration from 1s to 10m,"
            + " written like 250ms, 10s, 5m or PT10S, got '10'",
        errorOf("shutdown-grace: 10\n"));
  }

  @Test
  void rejectsDurationOutOfRange() {
    assertEquals(
        "vigil.yaml: inference.max-queue-delay: expected a duration from 0ms to 100ms,"
            + " written like 250ms, 10s, 5m or PT10S, got '1s'",
        errorOf("inference:\n  max-queue-delay: 1s\n"));
  }

  @Test
  void rejectsNegativeIsoDuration() {
    assertEquals(
        "vigil.yaml: shutdown-grace: expected a duration from 1s to 10m,"
            + " written like 250ms, 10s, 5m or PT10S, got 'PT-5S'",
        errorOf("shutdown-grace: PT-5S\n"));
  }

  @Test
  void rejectsSizeInDecimalMegabytes() {
    assertEquals(
        "vigil.yaml: server.max-body-bytes: expected a size from 1KiB to 256MiB,"
            + " in bytes or with KiB or MiB (e.g. 1048576 or 1MiB), got '1MB'",
        errorOf("server:\n  max-body-bytes: 1MB\n"));
  }

  @Test
  void rejectsSizeOutOfRange() {
    assertEquals(
        "vigil.yaml: server.max-body-bytes: expected a size from 1KiB to 256MiB,"
            + " in bytes or with KiB or MiB (e.g. 1048576 or 1MiB), got '512MiB'",
        errorOf("server:\n  max-body-bytes: 512MiB\n"));
  }

  @Test
  void rejectsSizeThatOverflows() {
    assertEquals(
        "vigil.yaml: server.max-body-bytes: expected a size from 1KiB to 256MiB,"
            + " in bytes or with KiB or MiB (e.g. 1048576 or 1MiB), got '99999999999999MiB'",
        errorOf("server:\n  max-body-bytes: 99999999999999MiB\n"));
  }

  @Test
  void rejectsYesWhereTrueOrFalseIsExpected() {
    assertEquals(
        "vigil.yaml: install-demo-bundle: expected true or false, got 'yes'",
        errorOf("install-demo-bundle: yes\n"));
  }

  @Test
  void rejectsUnknownOutOfRangePolicy() {
    assertEquals(
        "vigil.yaml: inference.out-of-range: expected reject or flag, got 'drop'",
        errorOf("inference:\n  out-of-range: drop\n"));
  }

  @Test
  void rejectsHostThatIsNeitherAddressNorName() {
    assertEquals(
        "vigil.yaml: server.host: expected an IP address or a host name, got 'ward 3 gateway'",
        errorOf("server:\n  host: ward 3 gateway\n"));
  }

  @Test
  void rejectsIpv4AddressWithOctetAbove255() {
    assertEquals(
        "vigil.yaml: server.host: expected an IP address or a host name, got '10.0.0.256'",
        errorOf("server:\n  host: 10.0.0.256\n"));
  }

  @Test
  void rejectsMalformedIpv6Address() {
    assertEquals(
        "vigil.yaml: server.host: expected an IP address or a host name, got '1:2:3'",
        errorOf("server:\n  host: '1:2:3'\n"));
  }

  @Test
  void rejectsHeaderNameWithSpace() {
    assertEquals(
        "vigil.yaml: server.device-identity-header: expected an HTTP header name such as"
            + " X-Device-Id, or \"\" for none, got 'Device Id'",
        errorOf("server:\n  device-identity-header: Device Id\n"));
  }

  @Test
  void rejectsEmptyDataDir() {
    assertEquals(
        "vigil.yaml: data-dir: expected a file system path, got ''", errorOf("data-dir: ''\n"));
  }

  @Test
  void readsTheGrpcSectionAndNamesItsBadValues() {
    assertEquals(
        new GrpcConfig(false, 9081),
        ConfigLoader.parse("grpc:\n  enabled: false\n  port: 9081\n", "vigil.yaml").grpc());
    assertEquals(GrpcConfig.defaults(), ConfigLoader.parse("", "vigil.yaml").grpc());
    assertEquals(
        "vigil.yaml: grpc.port: expected an integer from 0 to 65535, got '70000'",
        errorOf("grpc:\n  port: 70000\n"));
  }

  @Test
  void rejectsUnknownTopLevelKeyAndListsTheKnownOnes() {
    // given a misspelt section
    String yaml = "servr:\n  port: 9000\n";

    // when it is read, then the key is named with every key that would have been accepted
    assertEquals(
        "vigil.yaml: unknown key 'servr'; expected one of:"
            + " data-dir, install-demo-bundle, shutdown-grace, server, inference, audit, admin, trust, monitoring, sync, grpc",
        errorOf(yaml));
  }

  @Test
  void rejectsUnknownNestedKeyAndNamesItsPath() {
    assertEquals(
        "vigil.yaml: unknown key 'server.prot'; expected one of:"
            + " host, port, max-body-bytes, max-inflight-body-bytes, device-identity-header, tls, plaintext,"
            + " device-auth, trusted-proxies, limits",
        errorOf("server:\n  prot: 9000\n"));
  }

  @Test
  void rejectsKeyPlacedInTheWrongSection() {
    assertEquals(
        "vigil.yaml: unknown key 'inference.port'; expected one of: max-batch-size,"
            + " max-queue-delay, queue-capacity, runners, intra-op-threads, out-of-range,"
            + " max-rows-per-request, inline-below",
        errorOf("inference:\n  port: 9000\n"));
  }

  @Test
  void rejectsKeyInCamelCase() {
    assertEquals(
        "vigil.yaml: unknown key 'inference.maxBatchSize'; expected one of: max-batch-size,"
            + " max-queue-delay, queue-capacity, runners, intra-op-threads, out-of-range,"
            + " max-rows-per-request, inline-below",
        errorOf("inference:\n  maxBatchSize: 8\n"));
  }

  @Test
  void rejectsDuplicateKeyAndNamesItsLine() {
    // given a port written twice, the second time on line 3
    String yaml = "server:\n  port: 9000\n  port: 9001\n";

    // when it is read, then neither value wins silently
    assertEquals(
        "vigil.yaml: line 3, column 3: invalid YAML: while constructing a mapping,"
            + " found duplicate key port",
        errorOf(yaml));
  }

  @Test
  void rejectsBadIndentationAndNamesItsLine() {
    // given a key on line 3 indented less than its siblings
    String yaml = "server:\n  port: 9000\n host: 0.0.0.0\n";

    assertEquals(
        "vigil.yaml: line 3, column 2: invalid YAML: while parsing a block mapping,"
            + " expected <block end>, but found '<block mapping start>'",
        errorOf(yaml));
  }

  @Test
  void rejectsTabIndentationAndNamesItsLine() {
    assertEquals(
        "vigil.yaml: line 2, column 1: invalid YAML: while scanning for the next token,"
            + " found character '\\t(TAB)' that cannot start any token."
            + " (Do not use \\t(TAB) for indentation)",
        errorOf("server:\n\tport: 9000\n"));
  }

  @Test
  void rejectsNestingDeeperThanItReadsInsteadOfOverflowingTheStack() {
    // Found while fuzzing the loader, by a hand-written input: SnakeYAML composes nested nodes
    // recursively, and 200,000 '[' overflowed the stack.
    assertEquals(
        "vigil.yaml: line 1, column 33: invalid YAML: mappings and lists nested deeper than 32"
            + " levels",
        errorOf("[".repeat(200_000)));
    assertEquals(
        "vigil.yaml: line 1, column 129: invalid YAML: mappings and lists nested deeper than 32"
            + " levels",
        errorOf("{a: ".repeat(100_000)));
  }

  @Test
  void rejectsMoreThanOneDocument() {
    assertEquals(
        "vigil.yaml: line 2, column 1: invalid YAML: expected a single document in the stream,"
            + " but found another document",
        errorOf("port: 1\n---\nport: 2\n"));
  }

  @Test
  void rejectsListAsTopLevel() {
    assertEquals(
        "vigil.yaml: expected a mapping of keys at the top level, got a list",
        errorOf("- server\n- inference\n"));
  }

  @Test
  void rejectsTextAsTopLevel() {
    assertEquals(
        "vigil.yaml: expected a mapping of keys at the top level, got 'port=8080'",
        errorOf("port=8080\n"));
  }

  @Test
  void rejectsSectionThatIsNotAMapping() {
    assertEquals(
        "vigil.yaml: server: expected a mapping of keys, got '8080'", errorOf("server: 8080\n"));
  }

  @Test
  void loadsFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
    // given a file on disk with one bad value
    Path file = Files.writeString(dir.resolve("vigil.yaml"), "server:\n  port: -1\n");

    // when it is loaded
    GatewayException e = assertThrows(GatewayException.class, () -> ConfigLoader.load(file));

    // then the message starts with the path that was given
    assertEquals(
        file + ": server.port: expected an integer from 0 to 65535, got '-1'", e.getMessage());
  }

  @Test
  void loadsValidFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("vigil.yaml"), "server:\n  port: 0\n");

    VigilConfig config = ConfigLoader.load(file);

    assertEquals(0, config.server().port());
  }

  @Test
  void rejectsMissingFileWithClearMessage(@TempDir Path dir) {
    Path file = dir.resolve("missing.yaml");

    GatewayException e = assertThrows(GatewayException.class, () -> ConfigLoader.load(file));

    assertEquals(file + ": cannot read the configuration file: it does not exist", e.getMessage());
  }

  @Test
  void rejectsDirectoryWithClearMessage(@TempDir Path dir) {
    GatewayException e = assertThrows(GatewayException.class, () -> ConfigLoader.load(dir));

    // the reason after the colon is the operating system's own words
    assertTrue(
        e.getMessage().startsWith(dir + ": cannot read the configuration file: "), e.getMessage());
  }

  @Test
  void rejectsFileThatIsNotUtf8(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("vigil.yaml"), new byte[] {'p', ':', ' ', (byte) 0xff});

    GatewayException e = assertThrows(GatewayException.class, () -> ConfigLoader.load(file));

    assertEquals(
        file + ": cannot read the configuration file: it is not UTF-8 text", e.getMessage());
  }

  private static String errorOf(String yaml) {
    return assertThrows(GatewayException.class, () -> ConfigLoader.parse(yaml, FILE)).getMessage();
  }

  @Test
  void rejectsAnUnknownDurabilityAndNamesTheChoices() {
    GatewayException e =
        assertThrows(
            GatewayException.class, () -> ConfigLoader.parse("audit:\n  durability: off\n", FILE));

    assertEquals(FILE + ": audit.durability: expected full or normal, got 'off'", e.getMessage());
  }

  @Test
  void rejectsASegmentSizeThatIsNotAPowerOfTwo() {
    GatewayException e =
        assertThrows(
            GatewayException.class,
            () -> ConfigLoader.parse("audit:\n  segment-entries: 1000\n", FILE));

    assertEquals(
        FILE + ": audit.segment-entries: expected a power of two from 16 to 1048576, got '1000'",
        e.getMessage());
  }
}
