package io.vigil.gateway.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.gateway.GatewayException;

/**
 * Hostile text as the gateway's YAML configuration: each is read or refused with {@link
 * GatewayException} ({@code CONFIG_INVALID}), and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * ConfigLoaderFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class ConfigLoaderFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void readsAConfigurationOrRefusesItAsInvalid(byte[] bytes) {
    try {
      ConfigLoader.parse(new String(bytes, UTF_8), "fuzz.yaml");
    } catch (GatewayException e) {
      if (e.code() != GatewayException.Code.CONFIG_INVALID) {
        throw new AssertionError("unexpected code " + e.code() + ": " + e.getMessage(), e);
      }
    }
  }
}
