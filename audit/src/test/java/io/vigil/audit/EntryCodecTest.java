package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.canonical.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

  private static final Instant TIME = Instant.parse("2026-01-02T03:04:05.123456789Z");

  private static PredictionEntry smallPrediction() {
    List<Tensor> inputs =
        List.of(new Tensor("x", new long[] {1, 3}, new float[] {0.1f, Float.NaN, -2.5f}));
    return new PredictionEntry(
        "r1",
        "dev\"1",
        "m",
        "1.0.0",
        "ab".repeat(32),
        PredictionEntry.digestOf(inputs),
        inputs,
        List.of(new Tensor("p", new long[] {1, 1}, new float[] {0.75f})),
        1234,
        "normal",
        List.of("x[0] low"));
  }

  @Test
  void encodesAPredictionAsCanonicalJson() {
    String expectedInputs = "[{\"name\":\"x\",\"shape\":[1,3],\"values\":[0.1,null,-2.5]}]";
    String digest =
        java.util.HexFormat.of()
            .formatHex(Sha256.of(expectedInputs.getBytes(StandardCharsets.UTF_8)));

    byte[] bytes = EntryCodec.canonical(new StoredEntry(5, TIME, smallPrediction()));

    assertEquals(digest, smallPrediction().inputDigest());
    assertEquals(
        "{\"prediction\":{\"bundle_sha256\":\""
            + "ab".repeat(32)
            + "\",\"device_id\":\"dev\\\"1\",\"flags\":[\"x[0] low\"],\"input_digest\":\""
            + digest
            + "\",\"inputs\":"
            + expectedInputs
            + ",\"latency_us\":1234,\"model_id\":\"m\",\"model_version\":\"1.0.0\","
            + "\"outputs\":[{\"name\":\"p\",\"shape\":[1,1],\"values\":[0.75]}],"
            + "\"request_id\":\"r1\",\"safety_state\":\"normal\"},"
            + "\"seq\":5,\"time\":\"2026-01-02T03:04:05.123456Z\",\"v\":1}",
        new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void encodesAnEventWithCanonicalDetails() {
    EventEntry e =
        EventEntry.of("admin.approve", "alice", Map.of("c", 1.5, "b", 2, "a", List.of(true, "é")));

    byte[] bytes = EntryCodec.canonical(new StoredEntry(0, TIME, e));

    assertEquals(
        "{\"event\":{\"actor\":\"alice\",\"details\":{\"a\":[true,\"é\"],\"b\":2,\"c\":1.5},"
            + "\"type\":\"admin.approve\"},\"seq\":0,\"time\":\"2026-01-02T03:04:05.123456Z\","
            + "\"v\":1}",
        new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void omitsTheInputWhereTheSiteDoesNotStoreIt() {
    PredictionEntry p = smallPrediction().withoutInputs();

    String json =
        new String(EntryCodec.canonical(new StoredEntry(1, TIME, p)), StandardCharsets.UTF_8);

    assertEquals(-1, json.indexOf("\"inputs\""));
    assertEquals(p, EntryCodec.decode(json.getBytes(StandardCharsets.UTF_8)).entry());
  }

  @Test
  void decodesWhatItEncodedIncludingMissingAndInfiniteValues() {
    List<Tensor> inputs =
        List.of(
            new Tensor(
                "x",
                new long[] {4},
                new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e-41f}));
    PredictionEntry p =
        new PredictionEntry(
            "r",
            "d",
            "m",
            "1",
            "00".repeat(32),
            PredictionEntry.digestOf(inputs),
            inputs,
            List.of(),
            0,
            "normal",
            List.of());
    StoredEntry stored = new StoredEntry(9, Instant.parse("2026-01-02T03:04:05.000001Z"), p);

    byte[] bytes = EntryCodec.canonical(stored);
    StoredEntry back = EntryCodec.decode(bytes);

    assertEquals(stored, back);
    assertArrayEquals(bytes, EntryCodec.canonical(back));
  }

  @Test
  void refusesEventDetailsThatAreNotAnObject() {
    assertThrows(
        IllegalArgumentException.class, () -> new EventEntry("config.loaded", "system", "[1]"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventEntry("config.loaded", "system", "{\"a\":1,\"a\":2}"));
    assertThrows(IllegalArgumentException.class, () -> EventEntry.of("Bad Type", "system"));
  }

  @Test
  void canonicalizesEventDetailsGivenAsText() {
    EventEntry e = new EventEntry("config.loaded", "system", "{ \"z\": 1.0, \"a\": 1e2 }");

    assertEquals("{\"a\":100,\"z\":1}", e.details());
  }

  @Test
  void encodesTheSameBytesWhetherTheDigestsInputsListIsReusedOrNot() {
    List<Tensor> shared =
        List.of(new Tensor("x", new long[] {1, 3}, new float[] {1.5f, -0.0f, 3e-7f}));
    List<Tensor> other =
        List.of(new Tensor("x", new long[] {1, 3}, new float[] {1.5f, -0.0f, 3e-7f}));
    List<Tensor> outputs = List.of(new Tensor("p", new long[] {1, 1}, new float[] {0.5f}));

    PredictionEntry reused =
        new PredictionEntry(
            "r",
            "d",
            "m",
            "1.0.0",
            "ab".repeat(32),
            PredictionEntry.digestOf(shared),
            shared,
            outputs,
            1,
            "normal",
            List.of());
    PredictionEntry fresh =
        new PredictionEntry(
            "r",
            "d",
            "m",
            "1.0.0",
            "ab".repeat(32),
            PredictionEntry.digestOf(other),
            other,
            outputs,
            1,
            "normal",
            List.of());
    PredictionEntry.digestOf(List.of(new Tensor("y", new long[] {1, 1}, new float[] {9f})));

    assertEquals(
        new String(EntryCodec.canonical(new StoredEntry(1, TIME, reused)), StandardCharsets.UTF_8),
        new String(EntryCodec.canonical(new StoredEntry(1, TIME, fresh)), StandardCharsets.UTF_8));
  }

  @Test
  void aDigestMustBe64LowerCaseHexDigits() {
    for (String bad :
        new String[] {
          "9F".repeat(32), "9f".repeat(31), "9f".repeat(32) + "0", "g" + "0".repeat(63)
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new PredictionEntry(
                      "r",
                      "d",
                      "m",
                      "1.0.0",
                      bad,
                      "0".repeat(64),
                      List.of(),
                      List.of(),
                      1,
                      "normal",
                      List.of()),
              bad);
      assertEquals("bundleSha256 is not 64 lower-case hex digits: " + bad, e.getMessage());
    }
    new PredictionEntry(
        "r",
        "d",
        "m",
        "1.0.0",
        "0123456789abcdef".repeat(4),
        "0".repeat(64),
        List.of(),
        List.of(),
        1,
        "normal",
        List.of());
  }
}
