package io.vigil.inference.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.InferenceException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceProfileCodecTest {

  private static ReferenceProfile sample() {
    float nan = Float.NaN;
    ReferenceData data =
        ReferenceData.of(
            List.of("age", "lactate"),
            new float[][] {
              {34, 1.1f}, {51, nan}, {67, 2.3f}, {45, 0.9f}, {72, 4.4f}, {29, 1.7f}, {58, 3.1f}
            });
    return ReferenceProfile.of(
        data, "p", 0.3, new float[] {0.12f, 0.31f, 0.05f, 0.77f, 0.2f, 0.3f});
  }

  @Test
  void readsBackWhatItWrote() {
    // given
    ReferenceProfile profile = sample();

    // when
    byte[] json = ReferenceProfileCodec.write(profile);
    ReferenceProfile parsed = ReferenceProfileCodec.parse(json);

    // then equal values and, written again, equal bytes
    assertEquals(profile, parsed);
    assertArrayEquals(json, ReferenceProfileCodec.write(parsed));
  }

  @Test
  void writesFixedKeyOrderAndShortestFp32Decimals() {
    // given
    String json = new String(ReferenceProfileCodec.write(sample()), StandardCharsets.UTF_8);

    // then
    assertTrue(
        json.startsWith(
            "{\n  \"format\" : \"vigil-reference-profile/1\",\n  \"rows\" : 7,\n  \"features\" : ["),
        json);
    assertTrue(json.contains("\"min\" : 0.9,"), json);
    assertTrue(json.contains("\"null_rate\" : 0.14285714285714285,"), json);
    assertTrue(json.contains("\"threshold\" : 0.3,"), json);
    assertTrue(json.endsWith("}\n"));
    assertTrue(!json.contains("\r") && !json.contains("E-") && !json.contains("E+"), json);
  }

  @Test
  void namesTheFieldOfAWrongDecileList() {
    // given a profile whose first feature lost a decile edge
    String json = new String(ReferenceProfileCodec.write(sample()), StandardCharsets.UTF_8);
    String broken = json.replaceFirst("\"decile_edges\" : \\[ [^,]+, ", "\"decile_edges\" : [ ");

    // when
    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> ReferenceProfileCodec.parse(broken.getBytes(StandardCharsets.UTF_8)));

    // then
    assertEquals(InferenceException.Code.PROFILE_INVALID, e.code());
    assertTrue(
        e.getMessage()
            .startsWith(
                "reference-profile.json: features[0]: decile_edges: expected 9 edges, got 8"),
        e.getMessage());
  }

  @Test
  void namesAMissingField() {
    String json = new String(ReferenceProfileCodec.write(sample()), StandardCharsets.UTF_8);
    String broken = json.replace("\"positive_rate\"", "\"positive\"");

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> ReferenceProfileCodec.parse(broken.getBytes(StandardCharsets.UTF_8)));

    assertEquals(
        "reference-profile.json: score.positive_rate: is missing; expected a number",
        e.getMessage());
  }

  @Test
  void refusesASketchThatDoesNotMatchTheCount() {
    String json = new String(ReferenceProfileCodec.write(sample()), StandardCharsets.UTF_8);
    String broken = json.replaceFirst("\"count\" : 7,", "\"count\" : 6,");

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> ReferenceProfileCodec.parse(broken.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().contains("features[0].kll: expected 6 values"), e.getMessage());
  }

  @Test
  void refusesAnotherFormat() {
    String json = new String(ReferenceProfileCodec.write(sample()), StandardCharsets.UTF_8);
    String broken = json.replace("vigil-reference-profile/1", "vigil-reference-profile/2");

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> ReferenceProfileCodec.parse(broken.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().startsWith("reference-profile.json: format: expected"));
  }

  @Test
  void refusesANullRateThatContradictsTheCounts() {
    String json = new String(ReferenceProfileCodec.write(sample()), StandardCharsets.UTF_8);
    String broken = json.replace("\"null_rate\" : 0.14285714285714285", "\"null_rate\" : 0.5");

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> ReferenceProfileCodec.parse(broken.getBytes(StandardCharsets.UTF_8)));

    assertTrue(e.getMessage().contains("lactate: null_rate is 0.5"), e.getMessage());
  }
}
