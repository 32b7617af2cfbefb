package io.vigil.sync.message;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model version's requests: counts since {@link Summary#countersSince()} (cumulative, so a later
 * summary supersedes a dropped one) and the latency of the summary's period.
 *
 * @param byStatus answers per HTTP status (100-599)
 */
public record ModelStats(
    ModelRef model, long requests, long errors, Map<Integer, Long> byStatus, Latency latency) {
  public ModelStats {
    Tokens.count("requests", requests);
    Tokens.count("errors", errors);
    TreeMap<Integer, Long> sorted = new TreeMap<>(byStatus);
    sorted.forEach(
        (status, n) -> {
          if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an HTTP status");
          }
          Tokens.count("count of status " + status, n);
        });
    byStatus = Collections.unmodifiableSortedMap(sorted);
  }
}
