package io.vigil.gateway.audit;

import io.vigil.audit.Ledger;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.Receipt;
import io.vigil.audit.Tensor;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.Manifest.TensorSpec;
import io.vigil.inference.ValidatedInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one answered request into a ledger entry and appends it; the answer may leave only when the
 * returned future completes, that is once the entry is committed.
 */
public final class PredictionRecorder {

  /** The safety state until monitoring sets one. */
  public static final String SAFETY_NORMAL = "normal";

  private final Ledger ledger;
  private final boolean storeInputs;

  /**
   * A recorder into {@code ledger}; without {@code storeInputs}, only the input's digest is kept.
   */
  public PredictionRecorder(Ledger ledger, boolean storeInputs) {
    this.ledger = ledger;
    this.storeInputs = storeInputs;
  }

  /** Appends the prediction; completes with the receipt after commit, or fails with why not. */
  public CompletableFuture<Receipt> record(
      LoadedModel model,
      String requestId,
      String deviceId,
      ValidatedInput input,
      float[][] outputs,
      long latencyMicros) {
    List<Tensor> inputs = tensors(model.manifest().inputs(), input.rows(), input.values());
    String inputDigest = PredictionEntry.digestOf(inputs);
    PredictionEntry entry =
        new PredictionEntry(
            requestId,
            deviceId,
            model.manifest().modelId(),
            model.manifest().version(),
            model.bundle().sha256(),
            inputDigest,
            storeInputs ? inputs : List.of(),
            tensors(model.manifest().outputs(), input.rows(), outputs),
            latencyMicros,
            SAFETY_NORMAL,
            input.flags());
    return ledger.append(entry);
  }

  private static List<Tensor> tensors(List<TensorSpec> specs, int rows, float[][] values) {
    List<Tensor> tensors = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      long[] shape = new long[spec.shape().size()];
      shape[0] = rows;
      for (int d = 1; d < shape.length; d++) {
        shape[d] = spec.shape().get(d);
      }
      tensors.add(new Tensor(spec.name(), shape, values[i]));
    }
    return tensors;
  }
}
