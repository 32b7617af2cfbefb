package io.vigil.gateway.audit;

import io.vigil.audit.AuditException;
import io.vigil.audit.Ledger;
import io.vigil.audit.Receipt;
import io.vigil.gateway.http.Recorder;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.ValidatedInput;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Records every prediction in the ledger: the shipped {@link Recorder}. */
public final class LedgerRecorder implements Recorder {

  private final Ledger ledger;
  private final PredictionRecorder predictions;

  /** Records into {@code ledger}, storing inputs or only their digests. */
  public LedgerRecorder(Ledger ledger, boolean storeInputs) {
    this.ledger = ledger;
    this.predictions = new PredictionRecorder(ledger, storeInputs);
  }

  @Override
  public CompletableFuture<Long> record(
      LoadedModel model,
      String requestId,
      String deviceId,
      ValidatedInput input,
      float[][] outputs,
      long latencyMicros) {
    return predictions
        .record(model, requestId, deviceId, input, outputs, latencyMicros)
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
}
