package io.vigil.gateway.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * The meters of one model version's micro-batcher: {@code vigil.batch.size}, the rows of each ONNX
 * Runtime run (this is the batcher's run listener), and {@code vigil.batch.queue.depth}, the
 * requests waiting for a runner.
 */
public final class BatchMeters implements IntConsumer {

  /** Rows per ONNX Runtime run. */
  public static final String SIZE = "vigil.batch.size";

  /** Requests waiting in a batcher's queue, read when {@code /metrics} is scraped. */
  public static final String QUEUE_DEPTH = "vigil.batch.queue.depth";

  /** Buckets of the batch sizes: powers of two up to the largest batch worth telling apart. */
  static final double[] SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final DistributionSummary size;
  private volatile IntSupplier queueDepth = () -> 0;

  BatchMeters(MeterRegistry registry, String model, String version) {
    this.size =
        DistributionSummary.builder(SIZE)
            .description("Rows per ONNX Runtime run of the micro-batcher.")
            .tags("model", model, "version", version)
            .serviceLevelObjectives(SIZE_BUCKETS)
            .register(registry);
    Gauge.builder(QUEUE_DEPTH, this, BatchMeters::queueDepth)
        .description("Inference requests waiting in the micro-batcher's queue.")
        .tags("model", model, "version", version)
        .strongReference(true)
        .register(registry);
  }

  /** Records the rows of one run; called by the batcher on the thread that ran it. */
  @Override
  public void accept(int rows) {
    size.record(rows);
  }

  /** Reads the queue depth from {@code depth} from now on: the batcher of the loaded version. */
  public void watch(IntSupplier depth) {
    this.queueDepth = depth;
  }

  private double queueDepth() {
    return queueDepth.getAsInt();
  }
}
