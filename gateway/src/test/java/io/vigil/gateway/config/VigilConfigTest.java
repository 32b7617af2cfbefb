package io.vigil.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VigilConfigTest {

  @Test
  void defaultsAreTheNamedConstants() {
    VigilConfig config = VigilConfig.defaults();

    assertEquals(Path.of("./vigil-data"), config.dataDir());
    assertEquals(true, config.installDemoBundle());
    assertEquals(Duration.ofSeconds(10), config.shutdownGrace());
    assertEquals(new ServerConfig("127.0.0.1", 8080, 1024 * 1024, ""), config.server());
    assertEquals(
        new InferenceConfig(
            32,
            Duration.ZERO,
            1024,
            Math.max(1, Math.min(Runtime.getRuntime().availableProcessors() - 1, 4)),
            1,
            OutOfRangePolicy.REJECT,
            256,
            Duration.ofNanos(100_000)),
        config.inference());
  }

  @Test
  void recordBuiltInCodeIsCheckedLikeTheFile() {
    // given a batch size below the minimum, when the record is built in code
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new InferenceConfig(
                    0, Duration.ZERO, 1, 1, 1, OutOfRangePolicy.FLAG, 1, Duration.ZERO));

    // then the message names the key just as a file error would, without a file
    assertEquals(
        "inference.max-batch-size: expected an integer from 1 to 1024, got '0'", e.getMessage());
  }

  @Test
  void recordShowsDurationInTheUnitsOfTheFile() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new VigilConfig(
                    Path.of("data"),
                    ServerConfig.defaults(),
                    InferenceConfig.defaults(),
                    AuditConfig.defaults(),
                    true,
                    Duration.ofMinutes(11)));

    assertEquals(
        "shutdown-grace: expected a duration from 1s to 10m,"
            + " written like 250ms, 10s, 5m or PT10S, got '11m'",
        e.getMessage());
  }

  @Test
  void recordShowsSizeInTheUnitsOfTheFile() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> new ServerConfig("localhost", 80, 300L << 20, ""));

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
  void configExceptionCarriesNoStackTrace() {
    ConfigException e = new ConfigException("vigil.yaml: server.port: bad");

    assertEquals(0, e.getStackTrace().length);
  }
}
