package io.vigil.inference.batch;

import java.time.Duration;

/**
 * The dynamic batcher's settings, as Triton's {@code dynamic_batching} has them.
 *
 * @param maxBatchRows the most rows merged into one ONNX Runtime run
 * @param maxQueueDelay how long a runner waits for more requests once it holds one; zero takes only
 *     what is already queued, which under load still forms full batches
 * @param queueCapacity the requests that may wait; one more is refused as {@code QUEUE_FULL}
 * @param runners the runs of one model that may be in flight at once
 * @param inlineBelow a model whose one-row run costs less than this (measured when the batcher
 *     starts) runs on the submitting thread while nothing waits in its queue: it gains nothing from
 *     a batch and would spend more on the hand-off to a runner thread than on its compute; zero
 *     never runs a model inline
 */
public record BatchingOptions(
    int maxBatchRows,
    Duration maxQueueDelay,
    int queueCapacity,
    int runners,
    Duration inlineBelow) {

  /** 32 rows per run. */
  public static final int DEFAULT_MAX_BATCH_ROWS = 32;

  /** 1024 waiting requests. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** Models cheaper than 100 µs per row run inline. */
  public static final Duration DEFAULT_INLINE_BELOW = Duration.ofNanos(100_000);

  /**
   * The defaults: 32 rows, no added delay, 1024 waiting, one runner per processor but one (1 to 4),
   * inline below 100 µs.
   */
  public static final BatchingOptions DEFAULT =
      new BatchingOptions(
          DEFAULT_MAX_BATCH_ROWS,
          Duration.ZERO,
          DEFAULT_QUEUE_CAPACITY,
          defaultRunners(Runtime.getRuntime().availableProcessors()),
          DEFAULT_INLINE_BELOW);

  /**
   * One runner per processor but one, at least one and at most four: the processor left over serves
   * HTTP and the ledger. On two cores, a second runner of a compute-bound model only takes that
   * core from them (measured: bench-mlp batching gave 1.9x with two runners).
   */
  public static int defaultRunners(int processors) {
    return Math.max(1, Math.min(4, processors - 1));
  }

  public BatchingOptions {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows < 1");
    }
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException("maxQueueDelay < 0");
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity < 1");
    }
    if (runners < 1) {
      throw new IllegalArgumentException("runners < 1");
    }
    if (inlineBelow.isNegative()) {
      throw new IllegalArgumentException("inlineBelow < 0");
    }
  }
}
