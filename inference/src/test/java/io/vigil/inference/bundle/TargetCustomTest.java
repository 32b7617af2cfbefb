package io.vigil.inference.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.inference.InferenceException;
import io.vigil.inference.TestBundles;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetCustomTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aTargetSignedWithoutArchitecturesIsForEveryOneAndIsWrittenAsBefore() throws Exception {
    TargetCustom custom =
        TargetCustom.fromJson(
            JSON.readTree(
                "{\"model_id\": \"m\", \"version\": \"1.0.0\", \"release\": 1,"
                    + " \"pccp\": {\"id\": \"P\", \"modification\": \"initial-release\"},"
                    + " \"rollout\": \"automatic\", \"sites\": []}"),
            "m/m-1.0.0.vbundle");

    assertEquals(List.of(), custom.architectures());
    assertFalse(custom.toJson().has("architectures"));
  }

  @Test
  void architecturesRoundTripWhenSet() {
    TargetCustom custom =
        TargetCustom.of(
                TestBundles.manifest("m", "1.0.0", 1), TargetCustom.Rollout.AUTOMATIC, List.of())
            .withArchitectures(List.of("amd64", "arm64"));

    TargetCustom read = TargetCustom.fromJson(custom.toJson(), "t");

    assertEquals(custom, read);
    assertTrue(custom.toJson().get("architectures").isArray());
  }

  @Test
  void refusesArchitecturesThatAreNotAListOfNames() throws Exception {
    InferenceException e =
        assertThrows(
            InferenceException.class,
            () ->
                TargetCustom.fromJson(
                    JSON.readTree(
                        "{\"model_id\": \"m\", \"version\": \"1.0.0\", \"release\": 1,"
                            + " \"pccp\": {\"id\": \"P\", \"modification\": \"x\"},"
                            + " \"rollout\": \"automatic\", \"architectures\": \"amd64\"}"),
                    "t"));

    assertTrue(
        e.getMessage().contains("custom.architectures must be a list of architecture names"),
        e.getMessage());
  }
}
