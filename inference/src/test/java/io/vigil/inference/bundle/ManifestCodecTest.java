package io.vigil.inference.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

  private static final String SHA = "0".repeat(64);

  @Test
  void roundTripsAManifestByteForByte() {
    Manifest m = TestBundles.bundle().manifest();

    byte[] json = ManifestCodec.write(m);

    assertEquals(m, ManifestCodec.parse(json));
    assertArrayEquals(json, ManifestCodec.write(ManifestCodec.parse(json)));
  }

  @Test
  void namesTheFieldTheValueAndWhatWasExpected() {
    assertMessage(
        "version",
        "\"1.0\"",
        "manifest.json: version: expected a semantic version such as 1.2.0, got 1.0");
    assertMessage(
        "release",
        "0",
        "manifest.json: release: expected an integer from 1 to 9223372036854775807, got 0");
    assertMessage(
        "platform",
        "\"tensorflow\"",
        "manifest.json: platform: expected 'onnx_onnxv1', got tensorflow");
    assertMessage("demo", "\"yes\"", "manifest.json: demo: expected true or false, got \"yes\"");
    assertMessage(
        "model_id",
        "\"Bad Id\"",
        "manifest.json: model_id: expected lower-case letters, digits, '.', '_' or '-', 1 to 64, got Bad Id");
  }

  @Test
  void namesANestedFieldByItsPath() {
    String json =
        valid()
            .replace(
                "\"datatype\": \"FP32\", \"shape\": [-1, 2]",
                "\"datatype\": \"FP64\", \"shape\": [-1, 2]");

    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(json)));

    assertEquals(
        "manifest.json: inputs[0].datatype: expected one of [FP32], got FP64", e.getMessage());
  }

  @Test
  void rejectsFeatureCountThatDoesNotMatchTheShape() {
    String json = valid().replace("\"shape\": [-1, 2]", "\"shape\": [-1, 3]");

    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(json)));

    assertEquals(
        "manifest.json: inputs[0].features: expected 3 features, one per value of a row of shape [-1, 3], got 2 features",
        e.getMessage());
  }

  @Test
  void rejectsAPlausibleRangeWhoseMaxIsNotAboveMin() {
    String json = valid().replace("\"min\": 0, \"max\": 10", "\"min\": 10, \"max\": 5");

    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(json)));

    assertEquals(
        "manifest.json: inputs[0].features[0].max: expected a number greater than min (10.0), got 5.0",
        e.getMessage());
  }

  @Test
  void rejectsAMissingFieldAndNamesIt() {
    String json = valid().replace("\"intended_use\": \"Test.\",", "");

    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(json)));

    assertEquals(Code.MANIFEST_INVALID, e.code());
    assertEquals("manifest.json: intended_use: is missing; expected a string", e.getMessage());
  }

  @Test
  void rejectsADecisionOnAnOutputThatDoesNotExist() {
    String json = valid().replace("\"output\": \"p\"", "\"output\": \"q\"");

    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(json)));

    assertEquals(
        "manifest.json: decision.output: expected the name of one of the outputs, got q",
        e.getMessage());
  }

  @Test
  void rejectsAFileTableWithoutTheModelOrWithABadDigest() {
    assertEquals(
        "manifest.json: files.model.onnx: expected a lower-case hex sha256 digest, got \"abc\"",
        assertThrows(
                InferenceException.class,
                () -> ManifestCodec.parse(bytes(valid().replace(SHA, "abc"))))
            .getMessage());
    assertEquals(
        "manifest.json: files: expected an entry for model.onnx",
        assertThrows(
                InferenceException.class,
                () -> ManifestCodec.parse(bytes(valid().replace("model.onnx", "other.onnx"))))
            .getMessage());
  }

  @Test
  void rejectsInvalidJsonWithItsPosition() {
    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes("{\"model_id\": ")));

    assertEquals(Code.MANIFEST_INVALID, e.code());
    assertEquals(
        true, e.getMessage().startsWith("manifest.json is not valid JSON"), e.getMessage());
  }

  @Test
  void acceptsADraftWithoutFilesButNotASealedOne() {
    String draft = valid().replace(", \"files\": {\"model.onnx\": \"" + SHA + "\"}", "");

    assertEquals(0, ManifestCodec.parseDraft(bytes(draft)).files().size());
    assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(draft)));
  }

  @Test
  void readsTheOutcomeRulesKeysAndWritesThemOnlyWhenNotTheDefault() {
    // given a safety block without the outcome keys: the defaults, and no new bytes
    Manifest plain = ManifestCodec.parse(bytes(withSafety("\"window_rows\": 500")));
    assertEquals(Manifest.Safety.DEFAULT_MIN_OUTCOMES, plain.safety().minOutcomes());
    assertEquals(Manifest.Safety.ALERT, plain.safety().performanceAction());
    String written = new String(ManifestCodec.write(plain), StandardCharsets.UTF_8);
    assertFalse(written.contains("min_outcomes"), written);
    assertFalse(written.contains("performance_action"), written);

    // when the manufacturer sets them
    Manifest strict =
        ManifestCodec.parse(
            bytes(withSafety("\"min_outcomes\": 50, \"performance_action\": \"suspend\"")));

    // then they are read, and written back byte for byte
    assertEquals(50, strict.safety().minOutcomes());
    assertEquals(Manifest.Safety.SUSPEND, strict.safety().performanceAction());
    byte[] json = ManifestCodec.write(strict);
    assertArrayEquals(json, ManifestCodec.write(ManifestCodec.parse(json)));

    // and a wrong action is refused, named
    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> ManifestCodec.parse(bytes(withSafety("\"performance_action\": \"rollback\""))));
    assertEquals(
        "manifest.json: safety.performance_action: expected alert or suspend, got rollback",
        e.getMessage());
  }

  private static String withSafety(String fields) {
    return valid().replace(" \"files\":", " \"safety\": {" + fields + "}, \"files\":");
  }

  private static void assertMessage(String field, String value, String expected) {
    String json =
        valid().replaceFirst("\"" + field + "\": [^,]+,", "\"" + field + "\": " + value + ",");
    InferenceException e =
        assertThrows(InferenceException.class, () -> ManifestCodec.parse(bytes(json)));
    assertEquals(Code.MANIFEST_INVALID, e.code());
    assertEquals(expected, e.getMessage());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String valid() {
    return "{\"model_id\": \"m\", \"version\": \"1.0.0\", \"release\": 1, \"platform\": \"onnx_onnxv1\","
        + " \"intended_use\": \"Test.\", \"demo\": true,"
        + " \"pccp\": {\"id\": \"P\", \"modification\": \"initial\"},"
        + " \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [-1, 2], \"features\": ["
        + "{\"name\": \"a\", \"unit\": \"1\", \"min\": 0, \"max\": 10, \"required\": true},"
        + "{\"name\": \"b\", \"unit\": \"1\", \"min\": 0, \"max\": 10, \"required\": true}]}],"
        + " \"outputs\": [{\"name\": \"p\", \"datatype\": \"FP32\", \"shape\": [-1, 1]}],"
        + " \"decision\": {\"output\": \"p\", \"positive_label\": \"yes\", \"threshold\": 0.5},"
        + " \"performance\": {\"dataset\": \"d\", \"metrics\": []},"
        + " \"files\": {\"model.onnx\": \""
        + SHA
        + "\"}}";
  }
}
