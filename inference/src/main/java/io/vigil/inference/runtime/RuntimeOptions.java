package io.vigil.inference.runtime;

/**
 * How ONNX Runtime runs one model: threads inside one run, and whether idle threads spin.
 *
 * <p>The defaults were chosen by measurement (see BENCHMARKS.md): with several concurrent runners
 * on a small machine, one intra-op thread per run and no spinning gives the best throughput and
 * leaves the cores free for HTTP and the ledger between requests.
 */
public record RuntimeOptions(int intraOpThreads, boolean allowSpinning) {

  /** One intra-op thread per run. */
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  /** The defaults: one thread per run, no spinning. */
  public static final RuntimeOptions DEFAULT = new RuntimeOptions(DEFAULT_INTRA_OP_THREADS, false);

  public RuntimeOptions {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads < 1");
    }
  }
}
