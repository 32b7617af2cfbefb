package io.vigil.gateway.ledger;

import io.vigil.audit.AuditException;
import io.vigil.audit.Ledger;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.Receipt;
import io.vigil.audit.Tensor;
import io.vigil.gateway.http.Recorder;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.validation.ValidatedInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Records every prediction in the ledger, the shipped {@link Recorder}: the answer may leave only
 * when the returned future completes, that is once the entry is committed.
 */
public final class LedgerRecorder implements Recorder {

  private final Ledger ledger;
  private final boolean storeInputs;

  /** Records into {@code ledger}; without {@code storeInputs}, only the input's digest is kept. */
  public LedgerRecorder(Ledger ledger, boolean storeInputs) {
    this.ledger = ledger;
    this.storeInputs = storeInputs;
  }

  @Override
  public CompletableFuture<Long> record(
      LoadedModel model,
      String requestId,
      String deviceId,
      ValidatedInput input,
      float[][] outputs,
      long latencyMicros,
      String safety) {
    // One immutable list for the digest and the entry, so the codec formats the inputs once.
    List<Tensor> inputs =
        List.copyOf(tensors(model.manifest().inputs(), input.rows(), values(input)));
    PredictionEntry entry =
        new PredictionEntry(
            requestId,
            deviceId,
            model.manifest().modelId(),
            model.manifest().version(),
            model.bundle().sha256(),
            PredictionEntry.digestOf(inputs),
            storeInputs ? inputs : List.of(),
            tensors(model.manifest().outputs(), input.rows(), outputs),
            latencyMicros,
            safety,
            input.flags());
    return ledger.append(entry).thenApply(Receipt::seq);
  }

  @Override
  public CompletableFuture<Long> recordFailure(
      LoadedModel model, String requestId, String deviceId, String error) {
    return ledger
        .append(Events.inferenceFailed(model.bundle(), requestId, deviceId, error))
        .thenApply(Receipt::seq);
  }

  @Override
  public Optional<String> problem() {
    if (ledger.healthy()) {
      return Optional.empty();
    }
    return Optional.of(
        "the ledger cannot write: "
            + ledger.lastError().map(AuditException::getMessage).orElse("unknown error"));
  }

  private static float[][] values(ValidatedInput input) {
    float[][] values = new float[input.inputs()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = input.copyOfValues(i);
    }
    return values;
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
