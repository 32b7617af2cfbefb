package io.vigil.gateway;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the process fault tests need from the operating system (root for a tmpfs, libfiu,
 * libfaketime), and the dashboard's browser test (Debian's chromium and chromium-driver). {@code
 * .ci/run} installs the tools and runs as root, and sets {@code CI}: there a missing tool fails the
 * test, so that CI can never pass by skipping it; on a developer's machine without it the test is
 * skipped, saying what to install.
 */
public final class FaultTools {

  private FaultTools() {}

  /** Skips the test without the tool on a developer's machine; fails it in CI. */
  public static void require(boolean available, String what) {
    if (System.getenv("CI") != null && !available) {
      fail("CI must provide this: " + what + " (see .ci/run)");
    }
    assumeTrue(available, what);
  }
}
