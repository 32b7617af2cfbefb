package io.vigil.sync.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the link's tests need from the operating system (Mosquitto). {@code .ci/run} installs it and
 * sets {@code CI}: there a missing tool fails the test, so that CI can never pass by skipping it;
 * on a developer's machine without it the test is skipped, saying what to install.
 */
public final class Tools {

  private Tools() {}

  /** Skips the test without the tool on a developer's machine; fails it in CI. */
  public static void require(boolean available, String what) {
    if (System.getenv("CI") != null && !available) {
      fail("CI must provide this: " + what + " (see .ci/run)");
    }
    assumeTrue(available, what);
  }
}
