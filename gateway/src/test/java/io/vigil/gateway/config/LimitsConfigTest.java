package io.vigil.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.gateway.GatewayException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code server.limits} section as read from the file, and the errors that name its keys. */
class LimitsConfigTest {

  private static final String FILE = "vigil.yaml";

  @Test
  void anEmptyFileLimitsConnectionsAndTimeButNoDevice() {
    LimitsConfig limits = ConfigLoader.parse("", FILE).server().limits();

    assertEquals(LimitsConfig.defaults(), limits);
    assertEquals(0, limits.deviceRate());
    assertEquals(0, limits.deviceConcurrency());
    assertEquals(1024, limits.maxConnections());
    assertEquals(Duration.ofSeconds(30), limits.idleTimeout());
    assertEquals(Duration.ofSeconds(30), limits.requestTimeout());
    assertEquals(8192, limits.maxHeaderBytes());
    assertEquals(Map.of(), limits.modelMaxBody());
  }

  @Test
  void readsEveryKeyOfTheSection() {
    String yaml =
        """
        server:
          limits:
            device-rate: 5
            device-burst: 10
            device-concurrency: 4
            max-connections: 200
            idle-timeout: 2m
            request-timeout: 15s
            max-header-bytes: 16KiB
            model-max-body:
              chest-xray: 8MiB
              wdbc-malignancy: 4KiB
        """;

    ServerConfig server = ConfigLoader.parse(yaml, FILE).server();

    assertEquals(
        new LimitsConfig(
            5,
            10,
            4,
            200,
            Duration.ofMinutes(2),
            Duration.ofSeconds(15),
            16 * 1024,
            Map.of("chest-xray", 8L << 20, "wdbc-malignancy", 4096L)),
        server.limits());
    assertEquals(8L << 20, server.maxBodyBytes("chest-xray"));
    assertEquals(ServerConfig.DEFAULT_MAX_BODY_BYTES, server.maxBodyBytes("another-model"));
  }

  @Test
  void aBurstOfZeroIsOneSecondOfTheRate() {
    assertEquals(7, LimitsConfig.defaults().withDeviceRate(7, 0).burst());
    assertEquals(20, LimitsConfig.defaults().withDeviceRate(7, 20).burst());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "device-rate: -1|server.limits.device-rate: expected an integer from 0 to 1000000, got '-1'",
        "device-burst: lots|server.limits.device-burst: expected an integer from 0 to 1000000,"
            + " got 'lots'",
        "device-concurrency: 2.5|server.limits.device-concurrency: expected an integer from 0 to"
            + " 1000000, got '2.5'",
        "max-connections: 2000000|server.limits.max-connections: expected an integer from 0 to"
            + " 1000000, got '2000000'",
        "idle-timeout: 0|server.limits.idle-timeout: expected a duration from 1s to 1h, written like"
            + " 250ms, 10s, 5m or PT10S, got '0'",
        "request-timeout: 5ms|server.limits.request-timeout: expected a duration from 100ms to 10m,"
            + " written like 250ms, 10s, 5m or PT10S, got '5ms'",
        "max-header-bytes: 1MiB|server.limits.max-header-bytes: expected a size from 1KiB to 64KiB,"
            + " in bytes or with KiB or MiB (e.g. 1048576 or 1MiB), got '1MiB'",
        "model-max-body: {wdbc: huge}|server.limits.model-max-body.wdbc: expected a size from 1KiB"
            + " to 256MiB, in bytes or with KiB or MiB (e.g. 1048576 or 1MiB), got 'huge'",
        "model-max-body: 4MiB|server.limits.model-max-body: expected a mapping of keys, got '4MiB'",
        "device-rates: 5|unknown key 'server.limits.device-rates'; expected one of: device-rate,"
            + " device-burst, device-concurrency, max-connections, idle-timeout, request-timeout,"
            + " max-header-bytes, model-max-body"
      })
  void rejectsABadValueNamingItsKey(String line, String error) {
    assertEquals(FILE + ": " + error, errorOf("server:\n  limits:\n    " + line + "\n"));
  }

  @Test
  void rejectsAModelBodyLimitThatTheMemoryForRequestBodiesCouldNeverHold() {
    String yaml =
        "server:\n  max-inflight-body-bytes: 1MiB\n  limits:\n"
            + "    model-max-body:\n      chest-xray: 2MiB\n";

    assertEquals(
        FILE
            + ": server.limits.model-max-body.chest-xray: expected at most"
            + " server.max-inflight-body-bytes (1MiB), got '2MiB': a body that large could never"
            + " be read within the memory that request bodies may hold at once",
        errorOf(yaml));
  }

  private static String errorOf(String yaml) {
    return assertThrows(GatewayException.class, () -> ConfigLoader.parse(yaml, FILE)).getMessage();
  }
}
