package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.GoldenVectors;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MlpModelTest {

  private static final MlpModel SMALL = new MlpModel(64, 2);

  @Test
  void loadsThroughTheRealReaderAndPassesItsGoldenVectors() {
    byte[] bytes = SignalBundle.bundle(SMALL).bytes();

    // BundleReader checks every digest; OnnxModel.load checks the graph and re-runs the golden
    // vectors, and refuses the model if any differs.
    Bundle read = BundleReader.read(bytes, "bench-mlp.vbundle");
    try (OnnxModel model = OnnxModel.load(read, RuntimeOptions.DEFAULT)) {
      JsonObject golden =
          new JsonObject(
              new String(read.file(GoldenVectors.FILE).orElseThrow(), StandardCharsets.UTF_8));
      assertEquals(3, golden.getJsonArray("vectors").size());

      // The same rows through ONNX Runtime agree with the float64 reference.
      List<float[]> rows = SignalBundle.goldenRows();
      OnnxModel.Scratch scratch = model.scratch(rows.size());
      for (int r = 0; r < rows.size(); r++) {
        scratch.put(0, r, rows.get(r), SignalModel.SIGNAL_LENGTH);
      }
      float[] actual = model.run(scratch, rows.size())[0];
      float[] expected = SMALL.reference(rows).orElseThrow();
      for (int r = 0; r < rows.size(); r++) {
        assertEquals(expected[r], actual[r], 1e-5, "row " + r);
        assertTrue(actual[r] > 0.01 && actual[r] < 0.99, "not saturated: " + actual[r]);
      }
      assertTrue(Math.abs(actual[0] - actual[1]) > 1e-3, "rows give different outputs");
    }
  }

  @Test
  void refusesABundleWhoseGoldenVectorsTheModelDoesNotReproduce() {
    SignalModel wrong =
        new SignalModel() {
          @Override
          public String modelId() {
            return SMALL.modelId();
          }

          @Override
          public byte[] onnx() {
            return SMALL.onnx();
          }

          @Override
          public String describe() {
            return SMALL.describe();
          }

          @Override
          public long macsPerRow() {
            return SMALL.macsPerRow();
          }

          @Override
          public Optional<float[]> reference(List<float[]> rows) {
            float[] p = SMALL.reference(rows).orElseThrow();
            p[1] += 0.01f;
            return Optional.of(p);
          }
        };

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> OnnxModel.load(SignalBundle.bundle(wrong), RuntimeOptions.DEFAULT).close());
    assertTrue(e.getMessage().contains("golden vector 1"), e.getMessage());
  }

  @Test
  void declaresABenchmarkModelThatIsNeverMedicalWithThePlausibleRangesOfTheConvModel() {
    Manifest mlp = SignalBundle.bundle(SMALL).manifest();
    Manifest conv = SignalBundle.bundle(new ConvModel(4, 1, 3)).manifest();

    assertEquals("bench-mlp", mlp.modelId());
    assertTrue(mlp.demo());
    assertTrue(mlp.intendedUse().contains("random weights"));
    assertTrue(mlp.intendedUse().contains("Not a medical model"));
    assertEquals(SignalModel.SIGNAL_LENGTH, mlp.inputs().get(0).rowWidth());
    assertEquals(List.of(-1L, 1L), mlp.outputs().get(0).shape());
    assertEquals(conv.inputs(), mlp.inputs());
    assertEquals(conv.intendedUse(), mlp.intendedUse());
    assertTrue(mlp.inputs().get(0).features().stream().allMatch(f -> f.plausible(10)));
    assertTrue(mlp.inputs().get(0).features().stream().noneMatch(f -> f.plausible(10.5)));
  }

  @Test
  void isTheSameBytesEveryTime() {
    assertArrayEquals(new MlpModel(16, 2).onnx(), new MlpModel(16, 2).onnx());
  }

  @Test
  void countsOneMultiplyAccumulatePerMatrixWeight() {
    // 250 × 64, then 64 × 64, then the head 64 × 1; plus 2 × 64 + 1 biases.
    assertEquals(16_000 + 4_096 + 64, SMALL.macsPerRow());
    assertEquals(16_000 + 4_096 + 64 + 129, SMALL.weights());
    // The benchmark's shape: about 36 MB of float32 weights, past what caches hold at batch 1.
    assertEquals(8_908_801, MlpModel.DEFAULT.weights());
    assertTrue(
        MlpModel.DEFAULT.describe().contains("35.6 MB of weights"), MlpModel.DEFAULT.describe());
  }

  @Test
  void scenarioAReportsTheCostPerCallAndPerRowOfEveryBatchSize() {
    // The benchmark's own model, run briefly; how the cost per row falls with the batch is for
    // bench/run to measure, not for a unit test on a shared machine.
    OrtFloor floor = new OrtFloor(Duration.ofMillis(100), Duration.ofMillis(300));
    Map<String, Row> rows =
        floor.measure(BenchModel.MLP).stream()
            .collect(Collectors.toMap(Row::id, Function.identity()));

    assertEquals(8, rows.size());
    Row b32 = rows.get("A/mlp/onnx_model/t1/b32");
    Row b1 = rows.get("A/mlp/onnx_model/t1/b1");
    assertTrue(b32.label().startsWith("bench-mlp, "), b32.label());
    assertEquals(b32.get("us_per_call_p50") / 32, b32.get("us_per_row_p50"), 1e-9);
    assertTrue(b32.get("calls") > 0);
    assertEquals(b1.get("us_per_call_p50"), b1.get("us_per_row_p50"), 1e-9);
    assertTrue(rows.containsKey("A/mlp/plain_ort/t2/b32"));
  }
}
