package io.vigil.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vigil.demo.WdbcData.Sample;
import java.util.List;
import java.util.Map;

/** Runs the exported graph in ONNX Runtime on raw measurements, as a gateway would. */
final class OnnxScorer implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;

  private OnnxScorer(OrtEnvironment env, OrtSession session) {
    this.env = env;
    this.session = session;
  }

  static OnnxScorer open(byte[] onnx) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return new OnnxScorer(env, env.createSession(onnx, options));
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime refused the model: " + e.getMessage(), e);
    }
  }

  /** P(malignant) for each sample, in order, from one batch. */
  float[] score(List<Sample> samples) {
    float[][] rows = new float[samples.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = samples.get(i).featuresAsFloats();
    }
    return score(rows);
  }

  float[] score(float[][] rows) {
    try (OnnxTensor input = OnnxTensor.createTensor(env, rows);
        OrtSession.Result result = session.run(Map.of(OnnxGraph.INPUT, input))) {
      float[][] out = (float[][]) result.get(OnnxGraph.OUTPUT).orElseThrow().getValue();
      float[] scores = new float[out.length];
      for (int i = 0; i < out.length; i++) {
        scores[i] = out[i][0];
      }
      return scores;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to score: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX Runtime session", e);
    }
  }
}
