package io.vigil.sync.link;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheBaseWithJitterUpToTheCapAndStartsOverAfterAReset() {
    Backoff backoff =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(7));
    long[] ceilings = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000};
    for (long ceiling : ceilings) {
      long delay = backoff.nextDelayMillis();
      assertTrue(delay >= ceiling / 2 && delay <= ceiling, delay + " outside " + ceiling);
    }
    for (int i = 0; i < 100; i++) {
      assertTrue(backoff.nextDelayMillis() <= 60_000, "never past the cap, however many failures");
    }
    backoff.reset();
    long first = backoff.nextDelayMillis();
    assertTrue(first >= 500 && first <= 1_000);
  }

  @Test
  void spreadsClientsThatFailedTogether() {
    Backoff one =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(1));
    Backoff two =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(2));
    for (int i = 0; i < 5; i++) {
      one.nextDelayMillis();
      two.nextDelayMillis();
    }
    assertTrue(one.nextDelayMillis() != two.nextDelayMillis());
  }
}
