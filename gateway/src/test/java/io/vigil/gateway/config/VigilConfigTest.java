package io.vigil.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.gateway.GatewayException;
import io.vigil.inference.validation.RangePolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VigilConfigTest {

  @Test
  void recordBuiltInCodeIsCheckedLikeTheFile() {
    // given a batch size below the minimum, when the record is built in code
    GatewayException e =
        assertThrows(
            GatewayException.class,
            () ->
                new InferenceConfig(0, Duration.ZERO, 1, 1, 1, RangePolicy.FLAG, 1, Duration.ZERO));

    // then the message names the key just as a file error would, without a file
    assertEquals(
        "inference.max-batch-size: expected an integer from 1 to 1024, got '0'", e.getMessage());
  }

  @Test
  void recordShowsDurationInTheUnitsOfTheFile() {
    GatewayException e =
        assertThrows(
            GatewayException.class,
            () ->
                new VigilConfig(
                    Path.of("data"),
                    ServerConfig.defaults(),
                    InferenceConfig.defaults(),
                    AuditConfig.defaults(),
                    AdminConfig.defaults(),
                    TrustConfig.defaults(),
                    MonitoringConfig.defaults(),
                    true,
                    Duration.ofMinutes(11)));

    assertEquals(
        "shutdown-grace: expected a duration from 1s to 10m,"
            + " written like 250ms, 10s, 5m or PT10S, got '11m'",
        e.getMessage());
  }

  @Test
  void recordShowsSizeInTheUnitsOfTheFile() {
    GatewayException e =
        assertThrows(
            GatewayException.class, () -> new ServerConfig("localhost", 80, 300L << 20, ""));

    assertEquals(
        "server.max-body-bytes: expected a size from 1KiB to 256MiB,"
            + " in bytes or with KiB or MiB (e.g. 1048576 or 1MiB), got '300MiB'",
        e.getMessage());
  }

  @Test
  void recordRefusesMissingComponent() {
    assertThrows(NullPointerException.class, () -> new ServerConfig(null, 80, 1024, ""));
  }

  @Test
  void configurationErrorsCarryTheirCodeAndNoStackTrace() {
    GatewayException e =
        assertThrows(
            GatewayException.class, () -> ConfigLoader.parse("server:\n  port: -1\n", "f"));

    assertEquals(GatewayException.Code.CONFIG_INVALID, e.code());
    assertEquals(78, e.code().exitStatus());
    assertEquals(0, e.getStackTrace().length);
  }
}
