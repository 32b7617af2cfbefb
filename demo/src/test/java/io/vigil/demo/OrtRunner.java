package io.vigil.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/** Runs a model's bytes in ONNX Runtime directly, without the production scorer. */
final class OrtRunner {

  private OrtRunner() {}

  static float[][] run(byte[] onnx, float[][] features) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(onnx, options);
        OnnxTensor input = OnnxTensor.createTensor(env, features);
        OrtSession.Result result = session.run(Map.of("features", input))) {
      return (float[][]) result.get("probability").orElseThrow().getValue();
    }
  }
}
