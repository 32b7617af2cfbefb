package io.vigil.bench;

import io.micrometer.core.instrument.Timer;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.BenchmarkGateways;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.metrics.LedgerMeters;
import io.vigil.gateway.models.LoadedModel;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** The gateway as a benchmark starts it: one place decides what each variant turns on. */
final class GatewayUnderTest implements AutoCloseable {

  /** Which gateway a scenario measures. */
  public enum Variant {
    /** Scenario D: OIP v2 infer without the prediction ledger. */
    LEDGER_OFF,
    /** Scenario E: as shipped, ledger on with FULL durability, answering after the commit. */
    AS_SHIPPED
  }

  private final Variant variant;
  private final Gateway gateway;

  private GatewayUnderTest(Variant variant, Gateway gateway) {
    this.variant = variant;
    this.gateway = gateway;
  }

  /** Starts a gateway of that variant on {@code config} and returns once it is ready. */
  public static GatewayUnderTest start(Variant variant, VigilConfig config) {
    Gateway gateway =
        switch (variant) {
          case LEDGER_OFF -> BenchmarkGateways.startUnrecorded(config);
          case AS_SHIPPED -> Gateway.start(config);
        };
    return new GatewayUnderTest(variant, gateway);
  }

  /** The variant started. */
  public Variant variant() {
    return variant;
  }

  /** The OIP port. */
  public int port() {
    return gateway.port();
  }

  /** The gRPC port of the protocol's {@code GRPCInferenceService}. */
  public int grpcPort() {
    return gateway.grpcPort();
  }

  /** The admin port: {@code /metrics} and the {@code /admin/v1} API. */
  public int adminPort() {
    return gateway.adminPort();
  }

  /** ONNX Runtime runs made so far, over every loaded model. */
  public long batcherRuns() {
    return gateway.models().all().stream().mapToLong(m -> m.batcher().runs()).sum();
  }

  /** Rows those runs held; divided by {@link #batcherRuns()}, the mean batch size. */
  public long batcherRows() {
    return gateway.models().all().stream().mapToLong(m -> rows(m)).sum();
  }

  /** Entries in the prediction ledger; empty while the gateway has no ledger. */
  public OptionalLong ledgerEntries() {
    return gateway.ledger().map(l -> OptionalLong.of(l.size())).orElse(OptionalLong.empty());
  }

  /**
   * How many of the ledger's entries from..to-1 are predictions (the rest are events); empty while
   * the gateway has no ledger.
   */
  public OptionalLong predictions(long from, long to) {
    if (gateway.ledger().isEmpty()) {
      return OptionalLong.empty();
    }
    long n = 0;
    try (LedgerReader reader = gateway.ledger().get().openReader()) {
      for (long at = from; at < to; at += 10_000) {
        for (StoredEntry e : reader.entries(at, Math.min(to, at + 10_000))) {
          if (e.entry() instanceof PredictionEntry) {
            n++;
          }
        }
      }
    }
    return OptionalLong.of(n);
  }

  /**
   * The ledger's group commits so far and their total time in ns, from the gateway's own {@code
   * vigil.ledger.commit.latency}; empty while the gateway has no ledger.
   */
  public Optional<long[]> ledgerCommits() {
    if (gateway.ledger().isEmpty()) {
      return Optional.empty();
    }
    Timer t = gateway.meters().find(LedgerMeters.COMMIT_LATENCY).timer();
    return t == null
        ? Optional.empty()
        : Optional.of(new long[] {t.count(), (long) t.totalTime(TimeUnit.NANOSECONDS)});
  }

  @Override
  public void close() {
    gateway.close();
  }

  private static long rows(LoadedModel model) {
    return model.batcher().rowsRun();
  }
}
