package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import io.vigil.inference.batch.BatchingOptions;
import io.vigil.inference.validation.RangePolicy;
import java.time.Duration;

/**
 * How requests are queued, batched and run on ONNX Runtime, the {@code inference} section of the
 * configuration file; every limit applies to each model separately.
 *
 * @param maxBatchSize the most rows merged into one ONNX Runtime run
 * @param maxQueueDelay how long the batcher waits to fill a batch; zero takes what is queued
 * @param queueCapacity the most requests waiting per model before new ones get 429
 * @param runners the most ONNX Runtime runs at the same time per model
 * @param intraOpThreads the threads ONNX Runtime uses inside one run
 * @param outOfRange what to do with an input value outside the model's plausible range
 * @param maxRowsPerRequest the most rows one request may carry
 * @param inlineBelow a model faster than this per row runs on the thread that received the request
 *     while its queue is empty; zero hands every request to the batcher
 */
public record InferenceConfig(
    int maxBatchSize,
    Duration maxQueueDelay,
    int queueCapacity,
    int runners,
    int intraOpThreads,
    RangePolicy outOfRange,
    int maxRowsPerRequest,
    Duration inlineBelow) {

  public static final int DEFAULT_MAX_BATCH_SIZE = 32;
  public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ZERO;
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** One run per processor but one, 1 to 4: the processor left over serves HTTP and the ledger. */
  public static final int DEFAULT_RUNNERS =
      BatchingOptions.defaultRunners(Runtime.getRuntime().availableProcessors());

  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  public static final RangePolicy DEFAULT_OUT_OF_RANGE = RangePolicy.REJECT;
  public static final int DEFAULT_MAX_ROWS_PER_REQUEST = 256;
  public static final Duration DEFAULT_INLINE_BELOW = Duration.ofNanos(100_000);

  static final Setting<Integer> MAX_BATCH_SIZE =
      Setting.integer("inference.max-batch-size", 1, 1024);
  static final Setting<Duration> MAX_QUEUE_DELAY =
      Setting.duration("inference.max-queue-delay", Duration.ZERO, Duration.ofMillis(100));
  static final Setting<Integer> QUEUE_CAPACITY =
      Setting.integer("inference.queue-capacity", 1, 1_000_000);
  static final Setting<Integer> RUNNERS =
      Setting.integerOrAuto("inference.runners", 1, 64, DEFAULT_RUNNERS);
  static final Setting<Integer> INTRA_OP_THREADS =
      Setting.integer("inference.intra-op-threads", 1, 64);
  static final Setting<RangePolicy> OUT_OF_RANGE =
      Setting.choice("inference.out-of-range", RangePolicy.class);
  static final Setting<Integer> MAX_ROWS_PER_REQUEST =
      Setting.integer("inference.max-rows-per-request", 1, 100_000);
  static final Setting<Duration> INLINE_BELOW =
      Setting.duration("inference.inline-below", Duration.ZERO, Duration.ofMillis(10));

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public InferenceConfig {
    MAX_BATCH_SIZE.check(maxBatchSize);
    MAX_QUEUE_DELAY.check(maxQueueDelay);
    QUEUE_CAPACITY.check(queueCapacity);
    RUNNERS.check(runners);
    INTRA_OP_THREADS.check(intraOpThreads);
    OUT_OF_RANGE.check(outOfRange);
    MAX_ROWS_PER_REQUEST.check(maxRowsPerRequest);
    INLINE_BELOW.check(inlineBelow);
  }

  /** The {@code inference} section that an empty file gives. */
  public static InferenceConfig defaults() {
    return new InferenceConfig(
        DEFAULT_MAX_BATCH_SIZE,
        DEFAULT_MAX_QUEUE_DELAY,
        DEFAULT_QUEUE_CAPACITY,
        DEFAULT_RUNNERS,
        DEFAULT_INTRA_OP_THREADS,
        DEFAULT_OUT_OF_RANGE,
        DEFAULT_MAX_ROWS_PER_REQUEST,
        DEFAULT_INLINE_BELOW);
  }
}
