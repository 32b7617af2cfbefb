package io.vigil.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "0ms, 0",
    "250ms, 250",
    "10s, 10000",
    "10 s, 10000",
    "5m, 300000",
    "1h, 3600000",
    "PT10S, 10000",
    "PT0.5S, 500"
  })
  void readsDurationsInShortUnitsAndIso8601(String written, long expectedMillis) {
    assertEquals(Optional.of(Duration.ofMillis(expectedMillis)), Units.parseDuration(written));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "-1s", "10sec", "1d", "10S", "soon", "P"})
  void refusesDurationsWithoutKnownUnit(String written) {
    assertEquals(Optional.empty(), Units.parseDuration(written));
  }

  @ParameterizedTest
  @CsvSource({"0, 0ms", "250, 250ms", "1000, 1s", "90000, 90s", "600000, 10m", "7200000, 2h"})
  void writesDurationsInTheLargestExactUnit(long millis, String expected) {
    assertEquals(expected, Units.formatDuration(Duration.ofMillis(millis)));
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1500, 1500", "1KiB, 1024", "1kib, 1024", "3 MiB, 3145728"})
  void readsSizesInBytesKibAndMib(String written, long expectedBytes) {
    assertEquals(Optional.of(expectedBytes), Units.parseSize(written));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1MB", "1KB", "1.5MiB", "1GiB", "9999999999999999999"})
  void refusesSizesWithoutKnownUnit(String written) {
    assertEquals(Optional.empty(), Units.parseSize(written));
  }

  @ParameterizedTest
  @CsvSource({"1000, 1000", "1024, 1KiB", "1536, 1536", "1048576, 1MiB", "268435456, 256MiB"})
  void writesSizesInTheLargestExactUnit(long bytes, String expected) {
    assertEquals(expected, Units.formatSize(bytes));
  }
}
