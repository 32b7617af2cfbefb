package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.ReferenceProfile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** 1.1.0 falls under 1.0.0's PCCP: only the training changed, and it meets the certified floors. */
class RetrainedReleaseTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Bundle certified = BuiltBundle.read("1.0.0");
  private final Bundle retrained = BuiltBundle.read("1.1.0");

  @Test
  void keepsTheModelSchemaUnitsIntendedUseAndPccpOfTheCertifiedRelease() {
    Manifest before = certified.manifest();
    Manifest after = retrained.manifest();

    assertEquals(before.modelId(), after.modelId());
    assertEquals(before.intendedUse(), after.intendedUse());
    assertEquals(before.inputs(), after.inputs(), "input schema, units and plausible ranges");
    assertEquals(before.outputs(), after.outputs());
    assertEquals(before.decision().output(), after.decision().output());
    assertEquals(before.decision().positiveLabel(), after.decision().positiveLabel());
    assertEquals(before.platform(), after.platform());
    assertEquals(before.safety(), after.safety());
    assertTrue(after.demo());
    assertEquals(before.pccp().id(), after.pccp().id());
    assertEquals("initial-release", before.pccp().modification());
    assertEquals("retraining", after.pccp().modification());
  }

  @Test
  void isANewerReleaseWithAnotherModel() {
    assertEquals("1.1.0", retrained.manifest().version());
    assertEquals(2, retrained.manifest().release());
    assertTrue(retrained.manifest().release() > certified.manifest().release());
    assertNotEquals(
        certified.manifest().files().get("model.onnx"),
        retrained.manifest().files().get("model.onnx"),
        "retrained, so another model.onnx");
  }

  @Test
  void claimsEveryMetricAtOrAboveTheCertifiedReleasesFloorsWithoutLoweringThem() {
    for (Manifest.Metric floor : certified.manifest().performance().metrics()) {
      Manifest.Metric claimed =
          retrained
              .manifest()
              .performance()
              .metric(floor.name(), floor.subgroup())
              .orElseThrow(() -> new AssertionError("1.1.0 does not claim " + floor.name()));

      assertTrue(
          claimed.value() >= floor.floor(),
          floor.name() + " " + claimed.value() + " is below 1.0.0's floor " + floor.floor());
      assertTrue(claimed.floor() >= floor.floor(), floor.name() + "'s floor was lowered");
    }
  }

  @Test
  void evidenceIsMeasuredOnRowsThatNeitherReleaseTrainedOn() throws Exception {
    JsonNode before = JSON.readTree(BuiltBundle.file(certified, "evidence/evidence.json"));
    JsonNode after = JSON.readTree(BuiltBundle.file(retrained, "evidence/evidence.json"));

    List<Integer> test = ints(after.at("/split/test/ids"));
    Set<Integer> trainedOn = new HashSet<>(ints(before.at("/split/train/ids")));
    trainedOn.addAll(ints(after.at("/split/train/ids")));
    assertFalse(test.isEmpty());
    assertTrue(test.stream().noneMatch(trainedOn::contains), "a test row was trained on");
    assertEquals(ints(before.at("/split/test/ids")), test, "the same held-out split as 1.0.0");
    assertNotEquals(
        before.at("/training/seed").asLong(), after.at("/training/seed").asLong(), "another seed");
    assertEquals("1.0.0", after.at("/certified_release").asText());
    assertTrue(after.at("/test/held_out").asText().contains("neither 1.0.0's training"));
  }

  @Test
  void goldenVectorsAndReferenceProfileAreMadeAsTheCertifiedReleasesAre() throws Exception {
    JsonNode before = JSON.readTree(BuiltBundle.file(certified, "evidence/golden-vectors.json"));
    JsonNode after = JSON.readTree(BuiltBundle.file(retrained, "evidence/golden-vectors.json"));

    assertEquals(before.get("tolerance"), after.get("tolerance"));
    assertEquals(ids(before), ids(after), "the same test rows");
    assertEquals(
        certified.manifest().files().keySet(),
        retrained.manifest().files().keySet(),
        "the same files");
    assertTrue(retrained.file(ReferenceProfile.FILE).isPresent());
  }

  private static List<Integer> ids(JsonNode golden) {
    List<Integer> ids = new ArrayList<>();
    golden.get("vectors").forEach(v -> ids.add(v.get("id").asInt()));
    return ids;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> ints = new ArrayList<>();
    array.forEach(n -> ints.add(n.asInt()));
    return ints;
  }
}
