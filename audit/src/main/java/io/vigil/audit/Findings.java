package io.vigil.audit;

import java.util.ArrayList;
import java.util.List;

/** The failures a verification collects, up to {@link VerifyReport#MAX_FAILURES}. */
final class Findings {

  private final List<VerifyReport.Failure> failures = new ArrayList<>();

  void fail(String subject, String reason) {
    if (failures.size() < VerifyReport.MAX_FAILURES) {
      failures.add(new VerifyReport.Failure(subject, reason));
    }
  }

  List<VerifyReport.Failure> failures() {
    return failures;
  }

  static String node(int level, long index) {
    return "node (level " + level + ", index " + index + ")";
  }

  static String entry(long seq) {
    return "entry " + seq;
  }
}
