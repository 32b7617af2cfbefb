package io.vigil.gateway;

import io.vigil.gateway.config.VigilConfig;

/**
 * The benchmark's door to a gateway without a ledger (scenario D), which measures what the ledger
 * costs. It is a test fixture of the gateway module, published in its test-jar for {@code bench}
 * alone: the shipped jar and the {@code vigil} command offer no way to answer without a record.
 */
public final class BenchmarkGateways {

  private BenchmarkGateways() {}

  /** A gateway that answers without recording: never for clinical use. */
  public static Gateway startUnrecorded(VigilConfig config) {
    return Gateway.startUnrecorded(config);
  }
}
