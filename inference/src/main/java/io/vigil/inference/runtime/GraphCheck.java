package io.vigil.inference.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.util.List;
import java.util.Map;

/** Checks that a model's graph takes and returns exactly the tensors its manifest declares. */
final class GraphCheck {

  private GraphCheck() {}

  static void check(Bundle bundle, OrtSession session) {
    try {
      compare(bundle, "input", bundle.manifest().inputs(), session.getInputInfo());
      compare(bundle, "output", bundle.manifest().outputs(), session.getOutputInfo());
    } catch (OrtException e) {
      throw new InferenceException(
          Code.RUNTIME_FAILED, bundle.label() + ": cannot read the graph's signature", e);
    }
  }

  private static void compare(
      Bundle bundle, String kind, List<TensorSpec> declared, Map<String, NodeInfo> graph) {
    if (kind.equals("input") && graph.size() != declared.size()) {
      throw mismatch(
          bundle,
          "the graph has "
              + kind
              + "s "
              + graph.keySet()
              + " but the manifest declares "
              + declared.stream().map(TensorSpec::name).toList());
    }
    for (TensorSpec spec : declared) {
      NodeInfo node = graph.get(spec.name());
      if (node == null) {
        throw mismatch(
            bundle,
            "the manifest's "
                + kind
                + " "
                + spec.name()
                + " is not in the graph, which has "
                + graph.keySet());
      }
      if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
        throw mismatch(
            bundle,
            kind
                + " "
                + spec.name()
                + " is "
                + node.getInfo()
                + " in the graph, not a float tensor");
      }
      long[] shape = info.getShape();
      if (shape.length != spec.shape().size()) {
        throw mismatch(
            bundle,
            kind
                + " "
                + spec.name()
                + " has rank "
                + shape.length
                + " in the graph, "
                + spec.shape().size()
                + " in the manifest");
      }
      for (int i = 1; i < shape.length; i++) {
        if (shape[i] >= 0 && shape[i] != spec.shape().get(i)) {
          throw mismatch(
              bundle,
              kind
                  + " "
                  + spec.name()
                  + " has dimension "
                  + i
                  + " = "
                  + shape[i]
                  + " in the graph, "
                  + spec.shape().get(i)
                  + " in the manifest");
        }
      }
    }
  }

  private static InferenceException mismatch(Bundle bundle, String problem) {
    return new InferenceException(
        Code.BUNDLE_INVALID, bundle.label() + ": model does not match its manifest: " + problem);
  }
}
