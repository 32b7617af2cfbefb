package io.vigil.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.inference.Bundle;
import io.vigil.inference.BundleWriter;
import io.vigil.inference.ManifestCodec;
import io.vigil.inference.OnnxModel;
import io.vigil.inference.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TinyOnnxTest {

  @Test
  void runsInOnnxRuntimeAsALogisticModel() {
    // given the hand-encoded model in a bundle
    Bundle bundle =
        BundleWriter.write(
            ManifestCodec.parseDraft(Fixtures.DRAFT_MANIFEST.getBytes(StandardCharsets.UTF_8)),
            Map.of("model.onnx", TinyOnnx.model(Fixtures.W, Fixtures.B)));

    // when two rows run through ONNX Runtime
    float[][] out;
    try (OnnxModel model = OnnxModel.load(bundle, RuntimeOptions.DEFAULT)) {
      OnnxModel.Scratch scratch = model.scratch(2);
      scratch.put(0, 0, new float[] {30, 10, 1, 0, 0, 0}, 3);
      out = model.run(scratch, 2);
    }

    // then
    assertEquals(Fixtures.expectedScore(30, 10, 1), out[0][0], 1e-6);
    assertEquals(Fixtures.expectedScore(0, 0, 0), out[0][1], 1e-6);
  }
}
