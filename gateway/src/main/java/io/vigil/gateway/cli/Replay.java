package io.vigil.gateway.cli;

import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.audit.Tensor;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import io.vigil.inference.store.ModelStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-runs the stored inputs of recorded predictions through the exact bundle that answered them and
 * compares the outputs bit for bit: the ledger's claim that this model said this, checked.
 */
final class Replay {

  private static final int PAGE = 1024;

  private Replay() {}

  /** Replays predictions {@code from} to {@code to - 1}; other entries are passed over. */
  public static Report run(LedgerReader reader, ModelStore store, long from, long to) {
    Map<String, OnnxModel> models = new HashMap<>();
    List<String> differences = new ArrayList<>();
    long replayed = 0;
    long withoutInput = 0;
    try {
      for (long page = from; page < to; page += PAGE) {
        for (StoredEntry stored : reader.entries(page, Math.min(to, page + PAGE))) {
          if (!(stored.entry() instanceof PredictionEntry p)) {
            continue;
          }
          if (!p.inputStored()) {
            withoutInput++;
            continue;
          }
          OnnxModel model;
          try {
            model =
                models.computeIfAbsent(
                    p.bundleSha256(),
                    sha -> OnnxModel.load(store.read(sha), RuntimeOptions.DEFAULT));
          } catch (InferenceException e) {
            differences.add(
                "entry "
                    + stored.seq()
                    + ": bundle "
                    + p.bundleSha256()
                    + " cannot be loaded: "
                    + e.getMessage());
            continue;
          }
          compare(stored.seq(), p, model, differences);
          replayed++;
        }
      }
    } finally {
      models.values().forEach(OnnxModel::close);
    }
    return new Report(replayed, withoutInput, differences);
  }

  private static void compare(
      long seq, PredictionEntry p, OnnxModel model, List<String> differences) {
    List<TensorSpec> inputs = model.manifest().inputs();
    int rows = (int) p.inputs().get(0).shape()[0];
    OnnxModel.Scratch scratch = model.scratch(rows);
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = find(p.inputs(), inputs.get(i).name());
      scratch.put(i, 0, t.values(), inputs.get(i).rowWidth());
    }
    float[][] replayed = model.run(scratch, rows);
    List<TensorSpec> outputs = model.manifest().outputs();
    for (int o = 0; o < outputs.size(); o++) {
      float[] recorded = find(p.outputs(), outputs.get(o).name()).values();
      for (int k = 0; k < recorded.length; k++) {
        if (Float.floatToIntBits(recorded[k]) != Float.floatToIntBits(replayed[o][k])) {
          differences.add(
              "entry "
                  + seq
                  + " ("
                  + p.modelId()
                  + " "
                  + p.modelVersion()
                  + "): output "
                  + outputs.get(o).name()
                  + "["
                  + k
                  + "] recorded "
                  + recorded[k]
                  + ", replayed "
                  + replayed[o][k]);
        }
      }
    }
  }

  private static Tensor find(List<Tensor> tensors, String name) {
    return tensors.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new GatewayException(
                    GatewayException.Code.DATA_INVALID, "the entry has no tensor named " + name));
  }

  /** What a replay found. */
  public record Report(long replayed, long withoutInput, List<String> differences) {
    public Report {
      differences = List.copyOf(differences);
    }

    /** Whether every replayed output equals the recorded one. */
    public boolean ok() {
      return differences.isEmpty();
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      differences.forEach(d -> s.append("DIFFERS ").append(d).append('\n'));
      s.append(ok() ? "ok: " : "FAILED: ")
          .append(replayed)
          .append(" predictions replayed, ")
          .append(differences.size())
          .append(" differences, ")
          .append(withoutInput)
          .append(" recorded without their input (audit.store-inputs: false)\n");
      return s.toString();
    }
  }
}
