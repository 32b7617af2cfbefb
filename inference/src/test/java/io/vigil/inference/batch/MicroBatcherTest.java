package io.vigil.inference.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import io.vigil.inference.validation.ValidatedInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  private final OnnxModel model = OnnxModel.load(TestBundles.bundle(), RuntimeOptions.DEFAULT);

  @AfterEach
  void closeModel() {
    model.close();
  }

  @Test
  void everyConcurrentRequestGetsItsOwnAnswer() throws Exception {
    MicroBatcher batcher =
        new MicroBatcher(
            model, new BatchingOptions(16, Duration.ofMillis(2), 10_000, 2, Duration.ZERO));
    submitFromClients(batcher, 16, 200);
    batcher.close();

    assertTrue(
        batcher.runs() < 16 * 200,
        "requests were merged: " + batcher.runs() + " runs for 3200 requests");
    assertTrue(batcher.rowsRun() >= 16 * 200);
  }

  @Test
  void refusesAtOnceWhenTheQueueIsFull() {
    // A model of about a millisecond a row, so that its one runner cannot empty a queue of 2 as
    // fast as 50 requests are submitted (the demo-sized model ran as fast as they came, and a
    // quiet moment of the machine left nothing refused).
    try (OnnxModel slow = OnnxModel.load(TestBundles.slowBundle(), RuntimeOptions.DEFAULT)) {
      MicroBatcher batcher =
          new MicroBatcher(
              slow, new BatchingOptions(1, Duration.ofMillis(100), 2, 1, Duration.ZERO));
      List<CompletableFuture<float[][]>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of())));
      }

      long refused =
          futures.stream()
              .filter(
                  f ->
                      f.isCompletedExceptionally()
                          && cause(f) instanceof InferenceException e
                          && e.code() == Code.QUEUE_FULL)
              .count();

      assertTrue(refused > 0, "some of 50 requests into a queue of 2 were refused");
      batcher.close();
      assertTrue(
          futures.stream().allMatch(CompletableFuture::isDone),
          "every request accepted was answered by close");
    }
  }

  @Test
  void closeFinishesEveryQueuedRequest() {
    MicroBatcher batcher =
        new MicroBatcher(
            model, new BatchingOptions(4, Duration.ofMillis(20), 1000, 1, Duration.ZERO));
    List<CompletableFuture<float[][]>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.add(batcher.submit(ValidatedInput.of(1, new float[][] {{i, 2, 3}}, List.of())));
    }

    batcher.close();

    for (int i = 0; i < futures.size(); i++) {
      assertEquals(
          TestBundles.expected(new float[] {i, 2, 3}), futures.get(i).getNow(null)[0][0], 1e-6);
    }
    CompletableFuture<float[][]> late =
        batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of()));
    assertEquals(Code.MODEL_UNAVAILABLE, ((InferenceException) cause(late)).code());
  }

  @Test
  void whenAMergedRunFailsOnlyTheRequestThatFailsOnItsOwnFails() {
    // given a model that ONNX Runtime cannot run for more than one row, and a batcher that waits
    // long enough to merge the requests below into one run
    try (OnnxModel failing =
        OnnxModel.load(TestBundles.failingBundle("fails-model"), RuntimeOptions.DEFAULT)) {
      MicroBatcher batcher =
          new MicroBatcher(
              failing, new BatchingOptions(16, Duration.ofMillis(300), 100, 1, Duration.ZERO));

      // when one request of two rows comes among requests of one row
      CompletableFuture<float[][]> first =
          batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of()));
      CompletableFuture<float[][]> twoRows =
          batcher.submit(ValidatedInput.of(2, new float[][] {{1, 2, 3, 4, 5, 6}}, List.of()));
      CompletableFuture<float[][]> last =
          batcher.submit(ValidatedInput.of(1, new float[][] {{-1, 0, 1}}, List.of()));

      // then the one-row requests get their answers and only the two-row request fails
      assertEquals(TestBundles.expected(new float[] {1, 2, 3}), first.join()[0][0], 1e-6);
      assertEquals(TestBundles.expected(new float[] {-1, 0, 1}), last.join()[0][0], 1e-6);
      InferenceException e = (InferenceException) cause(twoRows);
      assertEquals(Code.RUNTIME_FAILED, e.code());
      assertTrue(e.getMessage().startsWith("model fails-model 1.0.0 ("), e.getMessage());
      batcher.close();
    }
  }

  @Test
  void runsARequestLargerThanTheBatchOnItsOwn() {
    MicroBatcher batcher =
        new MicroBatcher(model, new BatchingOptions(2, Duration.ZERO, 10, 1, Duration.ZERO));
    float[] values = new float[5 * 3];
    for (int k = 0; k < values.length; k++) {
      values[k] = k;
    }

    float[][] out = batcher.submit(ValidatedInput.of(5, new float[][] {values}, List.of())).join();

    assertEquals(5, out[0].length);
    assertEquals(TestBundles.expected(new float[] {12, 13, 14}), out[0][4], 1e-6);
    batcher.close();
  }

  @Test
  void aTinyModelRunsOnTheSubmittingThreadAndEachThreadGetsItsOwnAnswer() throws Exception {
    MicroBatcher batcher =
        new MicroBatcher(
            model, new BatchingOptions(16, Duration.ZERO, 1000, 1, Duration.ofSeconds(1)));
    assertTrue(batcher.runsInline(), "a model of " + batcher.rowNanos() + " ns runs inline");
    assertTrue(batcher.rowNanos() > 0);

    CompletableFuture<float[][]> first =
        batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of()));
    assertTrue(first.isDone(), "an inline run has finished when submit returns");
    assertEquals(TestBundles.expected(new float[] {1, 2, 3}), first.join()[0][0], 1e-6);

    long submittedRows = 1 + submitFromClients(batcher, 8, 300);
    batcher.close();

    assertTrue(batcher.inlineRuns() > 0, "runs inline: " + batcher.inlineRuns());
    assertEquals(submittedRows, batcher.rowsRun(), "every row was run exactly once");
    CompletableFuture<float[][]> late =
        batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of()));
    assertEquals(Code.MODEL_UNAVAILABLE, ((InferenceException) cause(late)).code());
  }

  @Test
  void aModelAboveTheLimitIsHandedToTheRunners() {
    MicroBatcher batcher =
        new MicroBatcher(
            model, new BatchingOptions(16, Duration.ZERO, 1000, 1, Duration.ofNanos(1)));
    assertFalse(batcher.runsInline(), "no model runs in under 1 ns");

    float[][] out =
        batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of())).join();

    assertEquals(TestBundles.expected(new float[] {1, 2, 3}), out[0][0], 1e-6);
    assertEquals(0, batcher.inlineRuns());
    assertEquals(1, batcher.runs());
    batcher.close();
  }

  @Test
  void zeroNeverRunsInlineAndDoesNotTimeTheModel() {
    MicroBatcher batcher =
        new MicroBatcher(model, new BatchingOptions(16, Duration.ZERO, 1000, 1, Duration.ZERO));
    assertFalse(batcher.runsInline());
    assertEquals(-1, batcher.rowNanos());
    batcher.close();
  }

  @Test
  void tellsItsListenerTheRowsOfEveryRun() throws Exception {
    // given a batcher that merges requests, with a listener of its runs
    List<Integer> reported = Collections.synchronizedList(new ArrayList<>());
    MicroBatcher batcher =
        new MicroBatcher(
            model,
            new BatchingOptions(16, Duration.ofMillis(2), 10_000, 2, Duration.ZERO),
            reported::add);

    // when clients send requests of 1 to 3 rows
    long submittedRows = submitFromClients(batcher, 8, 100);
    batcher.close();

    // then each run was reported once, with its rows
    assertEquals(batcher.runs(), reported.size());
    assertEquals(submittedRows, reported.stream().mapToLong(Integer::longValue).sum());
    assertTrue(reported.stream().allMatch(rows -> rows >= 1 && rows <= 16), reported.toString());
  }

  @Test
  void tellsItsListenerOfAnInlineRunBeforeSubmitReturns() {
    List<Integer> reported = Collections.synchronizedList(new ArrayList<>());
    MicroBatcher batcher =
        new MicroBatcher(
            model,
            new BatchingOptions(16, Duration.ZERO, 1000, 1, Duration.ofSeconds(1)),
            reported::add);

    batcher.submit(ValidatedInput.of(2, new float[][] {{1, 2, 3, 4, 5, 6}}, List.of())).join();

    assertEquals(List.of(2), reported);
    batcher.close();
  }

  @Test
  void queueDepthIsTheRequestsWaitingForARunner() throws Exception {
    // given a batcher whose one runner is held inside the listener after its first run
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MicroBatcher batcher =
        new MicroBatcher(
            model,
            new BatchingOptions(1, Duration.ZERO, 100, 1, Duration.ZERO),
            rows -> {
              inListener.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    CompletableFuture<float[][]> first =
        batcher.submit(ValidatedInput.of(1, new float[][] {{1, 2, 3}}, List.of()));
    assertTrue(inListener.await(10, TimeUnit.SECONDS));
    assertEquals(0, batcher.queueDepth());

    // when three more requests arrive
    List<CompletableFuture<float[][]>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(batcher.submit(ValidatedInput.of(1, new float[][] {{i, 2, 3}}, List.of())));
    }

    // then they wait in the queue, and leave it once the runner is free again
    assertEquals(3, batcher.queueDepth());
    assertTrue(first.isDone(), "the listener is told after the run's requests have their results");
    release.countDown();
    for (CompletableFuture<float[][]> f : waiting) {
      f.get(10, TimeUnit.SECONDS);
    }
    batcher.close();
    assertEquals(0, batcher.queueDepth());
  }

  /**
   * {@code clients} threads each submit {@code requestsEach} requests of 1 to 3 random rows and
   * check every answer against the model's formula; returns the rows submitted.
   */
  private static long submitFromClients(MicroBatcher batcher, int clients, int requestsEach)
      throws Exception {
    LongAdder submittedRows = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Void>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      results.add(
          pool.submit(
              () -> {
                SplittableRandom random = new SplittableRandom(client);
                for (int i = 0; i < requestsEach; i++) {
                  int rows = 1 + random.nextInt(3);
                  submittedRows.add(rows);
                  float[] values = new float[rows * 3];
                  for (int k = 0; k < values.length; k++) {
                    values[k] = (float) random.nextDouble(-50, 50);
                  }
                  float[][] out =
                      batcher
                          .submit(ValidatedInput.of(rows, new float[][] {values}, List.of()))
                          .get(10, TimeUnit.SECONDS);
                  assertEquals(rows, out[0].length);
                  for (int r = 0; r < rows; r++) {
                    float[] row = {values[r * 3], values[r * 3 + 1], values[r * 3 + 2]};
                    assertEquals(
                        TestBundles.expected(row),
                        out[0][r],
                        1e-5,
                        "client " + client + " request " + i + " row " + r);
                  }
                }
                return null;
              }));
    }
    for (Future<Void> f : results) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return submittedRows.sum();
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }
}
