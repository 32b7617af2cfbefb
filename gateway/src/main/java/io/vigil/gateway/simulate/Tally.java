package io.vigil.gateway.simulate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What was sent and answered in one report period, or in the whole run; not thread-safe, the
 * simulator's lock guards it.
 */
final class Tally {

  /** How many distinct error answers are kept to show in the summary. */
  static final int KEPT_ERRORS = 5;

  long sent;
  long ok;
  long clientErrors;
  long tooMany;
  long unavailable;
  long otherStatus;
  long failed;
  long skipped;
  long decided;
  long positive;
  final Latencies latencies = new Latencies();
  final List<String> safetyChanges = new ArrayList<>();
  final Map<String, Long> errors = new LinkedHashMap<>();

  /** Counts an answer (status 0: none) and, for a 200, its decision. */
  void answered(int status, long latencyNanos, double probability, double threshold) {
    if (status == 0) {
      failed++;
      return;
    }
    latencies.add(latencyNanos);
    switch (status) {
      case 200 -> ok++;
      case 429 -> tooMany++;
      case 503 -> unavailable++;
      default -> {
        if (status >= 400 && status < 500) {
          clientErrors++;
        } else {
          otherStatus++;
        }
      }
    }
    if (status == 200 && !Double.isNaN(probability) && !Double.isNaN(threshold)) {
      decided++;
      positive += probability >= threshold ? 1 : 0;
    }
  }

  void error(String what) {
    if (errors.containsKey(what) || errors.size() < KEPT_ERRORS) {
      errors.merge(what, 1L, Long::sum);
    }
  }

  long answers() {
    return ok + clientErrors + tooMany + unavailable + otherStatus;
  }

  boolean isEmpty() {
    return sent == 0 && answers() == 0 && failed == 0 && skipped == 0;
  }

  /** The share of decided answers at or above the threshold; NaN when none was decided. */
  double positiveRate() {
    return decided == 0 ? Double.NaN : positive / (double) decided;
  }
}
