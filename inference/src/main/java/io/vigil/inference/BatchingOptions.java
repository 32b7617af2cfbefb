package io.vigil.inference;

import java.time.Duration;

/**
 * The dynamic batcher's settings, as Triton's {@code dynamic_batching} has them.
 *
 * @param maxBatchRows the most rows merged into one ONNX Runtime run
 * @param maxQueueDelay how long a runner waits for more requests once it holds one; zero takes only
 *     what is already queued, which under load still forms full batches
 * @param queueCapacity the requests that may wait; one more is refused as {@code QUEUE_FULL}
 * @param runners the runs of one model that may be in flight at once
 */
public record BatchingOptions(
    int maxBatchRows, Duration maxQueueDelay, int queueCapacity, int runners) {

  /** 32 rows per run. */
  public static final int DEFAULT_MAX_BATCH_ROWS = 32;

  /** 1024 waiting requests. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** The defaults: 32 rows, no added delay, 1024 waiting, one runner per core up to 4. */
  public static final BatchingOptions DEFAULT =
      new BatchingOptions(
          DEFAULT_MAX_BATCH_ROWS,
          Duration.ZERO,
          DEFAULT_QUEUE_CAPACITY,
          Math.min(4, Runtime.getRuntime().availableProcessors()));

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
  }
}
