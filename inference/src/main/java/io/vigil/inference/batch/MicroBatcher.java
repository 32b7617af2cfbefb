package io.vigil.inference.batch;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.validation.ValidatedInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * Merges concurrent requests for one model into one ONNX Runtime run and splits the results back,
 * like Triton's dynamic batcher; its queue is bounded, and a full queue refuses at once.
 *
 * <p>A model that costs less than {@link BatchingOptions#inlineBelow()} per row (timed when the
 * batcher starts) runs on the submitting thread instead: for a model of a few microseconds, waking
 * a runner thread and coming back costs more than the run itself, and more than a batch would save.
 * Its requests then wait, if at all, where they arrived (for the gateway, in the event loops'
 * sockets); only a request of more rows than a batch, or one that finds the queue in use, goes to
 * the runners.
 *
 * <p>When a merged run fails, each of its requests runs again on its own, so that a request whose
 * input the model cannot run fails alone and the others get their answers.
 *
 * <p>Each runner thread, and each thread that runs the model inline, owns its direct input buffers.
 * {@link #close()} refuses new requests, finishes every queued one, then stops the runners; the
 * model itself is closed by its owner.
 *
 * <p>What the gateway measures comes from a listener given at construction, told the rows of each
 * run, and from {@link #queueDepth()}; this module itself depends on no metrics library.
 */
public final class MicroBatcher implements AutoCloseable {

  private final OnnxModel model;
  private final BatchingOptions options;
  private final BlockingQueue<Pending> queue;
  private final List<Thread> runners = new ArrayList<>();
  private final LongAdder runs = new LongAdder();
  private final LongAdder rowsRun = new LongAdder();
  private final LongAdder inlineRuns = new LongAdder();
  private final long rowNanos;
  private final boolean inline;
  private final ThreadLocal<OnnxModel.Scratch> inlineScratch;
  private final IntConsumer runRows;
  private volatile boolean closing;

  /** Starts the runner threads for a loaded model. */
  public MicroBatcher(OnnxModel model, BatchingOptions options) {
    this(model, options, rows -> {});
  }

  /**
   * Starts the runner threads for a loaded model; {@code runRows} is told the rows of every ONNX
   * Runtime run, after its requests have their results, on the thread that ran it (a runner, or a
   * submitting thread for an inline run): it must return at once and never throw.
   */
  public MicroBatcher(OnnxModel model, BatchingOptions options, IntConsumer runRows) {
    this.model = model;
    this.options = options;
    this.runRows = Objects.requireNonNull(runRows, "runRows");
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.rowNanos =
        options.inlineBelow().isZero() ? -1 : timeOneRow(model, options.inlineBelow().toNanos());
    this.inline = rowNanos >= 0 && rowNanos < options.inlineBelow().toNanos();
    this.inlineScratch = ThreadLocal.withInitial(() -> model.scratch(options.maxBatchRows()));
    String name =
        "vigil-batcher-" + model.manifest().modelId() + "-" + model.manifest().version() + "-";
    for (int i = 0; i < options.runners(); i++) {
      Thread t = new Thread(new Runner(), name + i);
      t.setDaemon(true);
      runners.add(t);
      t.start();
    }
  }

  /** The model this batcher feeds. */
  public OnnxModel model() {
    return model;
  }

  /**
   * Queues a validated request; the future completes with one flat array per manifest output for
   * this request's rows, or fails with an {@link InferenceException}.
   */
  public CompletableFuture<float[][]> submit(ValidatedInput input) {
    if (inline && !closing && queue.isEmpty() && input.rows() <= options.maxBatchRows()) {
      return runInline(input);
    }
    Pending pending = new Pending(input, new CompletableFuture<>());
    if (closing) {
      pending.result.completeExceptionally(
          new InferenceException(
              Code.MODEL_UNAVAILABLE, "model " + model.bundle().label() + " is shutting down"));
    } else if (!queue.offer(pending)) {
      pending.result.completeExceptionally(
          new InferenceException(
              Code.QUEUE_FULL,
              "model "
                  + model.bundle().label()
                  + " has "
                  + options.queueCapacity()
                  + " requests waiting; retry shortly"));
    }
    return pending.result;
  }

  /** Whether this model runs on the submitting thread while its queue is empty. */
  public boolean runsInline() {
    return inline;
  }

  /** The median time of one one-row run, measured at start; -1 if inlining is off. */
  public long rowNanos() {
    return rowNanos;
  }

  /** How many of {@link #runs()} were made on a submitting thread. */
  public long inlineRuns() {
    return inlineRuns.sum();
  }

  /** How many ONNX Runtime runs have been made. */
  public long runs() {
    return runs.sum();
  }

  /** How many rows those runs held; divided by {@link #runs()}, the mean batch size. */
  public long rowsRun() {
    return rowsRun.sum();
  }

  /** How many requests wait in the queue now, for a gauge; it takes the queue's lock briefly. */
  public int queueDepth() {
    return queue.size();
  }

  /** Refuses new requests, runs every queued one, then stops the runners. */
  @Override
  public void close() {
    closing = true;
    boolean interrupted = false;
    for (Thread t : runners) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private CompletableFuture<float[][]> runInline(ValidatedInput input) {
    try {
      float[][] out = runAlone(inlineScratch.get(), input);
      inlineRuns.increment();
      ran(input.rows());
      return CompletableFuture.completedFuture(out);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Tells the listener of a run that succeeded. */
  private void ran(int rows) {
    try {
      runRows.accept(rows);
    } catch (RuntimeException e) {
      // A faulty listener must not stop a runner: its queued requests would never be answered.
    }
  }

  /** Runs one request's rows on their own through {@code scratch}. */
  private float[][] runAlone(OnnxModel.Scratch scratch, ValidatedInput input) {
    List<TensorSpec> inputs = model.manifest().inputs();
    for (int i = 0; i < inputs.size(); i++) {
      scratch.put(i, 0, input.values(i), inputs.get(i).rowWidth());
    }
    float[][] out = model.run(scratch, input.rows());
    runs.increment();
    rowsRun.add(input.rows());
    return out;
  }

  /**
   * The median of seven one-row runs of zeros, after one that binds the scratch's tensors (the
   * golden vectors have already warmed the session up). It stops as soon as four runs took {@code
   * limitNanos} or more: the median is then above the limit, and a slow model costs the start-up
   * five runs, not eight.
   */
  private static long timeOneRow(OnnxModel model, long limitNanos) {
    long[] nanos = new long[7];
    int timed = 0;
    int slow = 0;
    try (OnnxModel.Scratch scratch = model.scratch(1)) {
      model.run(scratch, 1);
      while (timed < nanos.length && slow < 4) {
        long start = System.nanoTime();
        model.run(scratch, 1);
        nanos[timed] = System.nanoTime() - start;
        slow += nanos[timed] >= limitNanos ? 1 : 0;
        timed++;
      }
    }
    Arrays.sort(nanos, 0, timed);
    return nanos[timed / 2];
  }

  private record Pending(ValidatedInput input, CompletableFuture<float[][]> result) {}

  private final class Runner implements Runnable {
    private final OnnxModel.Scratch scratch = model.scratch(options.maxBatchRows());
    private final List<Pending> batch = new ArrayList<>(options.maxBatchRows());
    private Pending carried;

    @Override
    public void run() {
      try {
        while (true) {
          Pending first = carried != null ? carried : queue.poll(50, TimeUnit.MILLISECONDS);
          carried = null;
          if (first == null) {
            if (closing && queue.isEmpty()) {
              return;
            }
            continue;
          }
          if (first.input.rows() > options.maxBatchRows()) {
            runAlone(first);
            continue;
          }
          fill(first);
          runBatch();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failQueued();
      }
    }

    private void fill(Pending first) throws InterruptedException {
      batch.clear();
      batch.add(first);
      int rows = first.input.rows();
      long deadline = System.nanoTime() + options.maxQueueDelay().toNanos();
      while (rows < options.maxBatchRows()) {
        long waitNanos = deadline - System.nanoTime();
        Pending next = waitNanos > 0 ? queue.poll(waitNanos, TimeUnit.NANOSECONDS) : queue.poll();
        if (next == null) {
          return;
        }
        if (rows + next.input.rows() > options.maxBatchRows()) {
          carried = next;
          return;
        }
        batch.add(next);
        rows += next.input.rows();
      }
    }

    private void runBatch() {
      List<TensorSpec> inputs = model.manifest().inputs();
      int rows = 0;
      for (Pending p : batch) {
        for (int i = 0; i < inputs.size(); i++) {
          scratch.put(i, rows, p.input.values(i), inputs.get(i).rowWidth());
        }
        rows += p.input.rows();
      }
      float[][] out;
      try {
        out = model.run(scratch, rows);
      } catch (RuntimeException e) {
        if (batch.size() == 1) {
          batch.get(0).result.completeExceptionally(e);
        } else {
          runEachAlone();
        }
        return;
      }
      runs.increment();
      rowsRun.add(rows);
      List<TensorSpec> outputs = model.manifest().outputs();
      int row = 0;
      for (Pending p : batch) {
        float[][] mine = new float[outputs.size()][];
        for (int o = 0; o < outputs.size(); o++) {
          int width = outputs.get(o).rowWidth();
          mine[o] = new float[p.input.rows() * width];
          System.arraycopy(out[o], row * width, mine[o], 0, mine[o].length);
        }
        row += p.input.rows();
        p.result.complete(mine);
      }
      ran(rows);
    }

    /**
     * After a merged run failed: the input of one request may be what the model cannot run, so each
     * runs on its own, and only the requests that fail by themselves fail.
     */
    private void runEachAlone() {
      for (Pending p : batch) {
        float[][] out;
        try {
          out = MicroBatcher.this.runAlone(scratch, p.input);
        } catch (RuntimeException e) {
          p.result.completeExceptionally(e);
          continue;
        }
        p.result.complete(out);
        ran(p.input.rows());
      }
    }

    private void runAlone(Pending p) {
      float[][] out;
      try (OnnxModel.Scratch big = model.scratch(p.input.rows())) {
        out = MicroBatcher.this.runAlone(big, p.input);
      } catch (RuntimeException e) {
        p.result.completeExceptionally(e);
        return;
      }
      p.result.complete(out);
      ran(p.input.rows());
    }

    private void failQueued() {
      Pending p;
      while ((p = queue.poll()) != null) {
        p.result.completeExceptionally(
            new InferenceException(
                Code.MODEL_UNAVAILABLE, "model " + model.bundle().label() + " stopped"));
      }
    }
  }
}
