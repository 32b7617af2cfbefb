package io.vigil.sync.publish;

import java.time.Duration;

/**
 * How {@link OutboxPublisher} sends: how many rows may wait for their PUBACK at once, how often it
 * looks at the outbox without being kicked, and how it waits after a failure and at close.
 *
 * @param window the most rows published and not yet acknowledged, failed or timed out, resends
 *     included; keep it under the broker's Receive Maximum, which the transport enforces on its own
 *     (a publish that timed out stops counting here while the transport may still hold it)
 * @param pollInterval how often the outbox is read without a {@link OutboxPublisher#kick()}: the
 *     safety net for a missed kick or a missed reconnect
 * @param ackTimeout how long a publish may wait for its PUBACK before it counts as failed
 * @param backoffMin the first wait after a failure; each further failure doubles it
 * @param backoffMax the longest wait after failures
 * @param closeTimeout how long {@link OutboxPublisher#close()} waits for rows in flight
 */
public record PublisherOptions(
    int window,
    Duration pollInterval,
    Duration ackTimeout,
    Duration backoffMin,
    Duration backoffMax,
    Duration closeTimeout) {

  /** 10: a small fraction of any broker's Receive Maximum (Mosquitto 20, HiveMQ 10 by default). */
  public static final int DEFAULT_WINDOW = 10;

  /** 5 s: a summary appended without a kick waits at most this long. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  /** 30 s: a PUBACK that takes longer means a link that is down without knowing it yet. */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);

  /** 1 s before the first retry. */
  public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofSeconds(1);

  /** 60 s at most between retries, so that a broker back after an outage hears within a minute. */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);

  /**
   * 5 s for the PUBACKs of rows in flight at shutdown; the rest are sent again at the next start.
   */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** The most rows in flight accepted. */
  public static final int MAX_WINDOW = 65_535;

  public PublisherOptions {
    if (window < 1 || window > MAX_WINDOW) {
      throw new IllegalArgumentException("window " + window + " not in 1.." + MAX_WINDOW);
    }
    positive("pollInterval", pollInterval);
    positive("ackTimeout", ackTimeout);
    positive("backoffMin", backoffMin);
    positive("backoffMax", backoffMax);
    if (backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException(
          "backoffMax " + backoffMax + " < backoffMin " + backoffMin);
    }
    if (closeTimeout == null || closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must be zero or positive: " + closeTimeout);
    }
  }

  /** The defaults. */
  public static PublisherOptions defaults() {
    return new PublisherOptions(
        DEFAULT_WINDOW,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_ACK_TIMEOUT,
        DEFAULT_BACKOFF_MIN,
        DEFAULT_BACKOFF_MAX,
        DEFAULT_CLOSE_TIMEOUT);
  }

  /** These options with {@code window}. */
  public PublisherOptions withWindow(int window) {
    return new PublisherOptions(
        window, pollInterval, ackTimeout, backoffMin, backoffMax, closeTimeout);
  }

  /** These options with other backoff bounds. */
  public PublisherOptions withBackoff(Duration backoffMin, Duration backoffMax) {
    return new PublisherOptions(
        window, pollInterval, ackTimeout, backoffMin, backoffMax, closeTimeout);
  }

  /** These options with {@code pollInterval}. */
  public PublisherOptions withPollInterval(Duration pollInterval) {
    return new PublisherOptions(
        window, pollInterval, ackTimeout, backoffMin, backoffMax, closeTimeout);
  }

  /** These options with {@code closeTimeout}. */
  public PublisherOptions withCloseTimeout(Duration closeTimeout) {
    return new PublisherOptions(
        window, pollInterval, ackTimeout, backoffMin, backoffMax, closeTimeout);
  }

  /** These options with {@code ackTimeout}. */
  public PublisherOptions withAckTimeout(Duration ackTimeout) {
    return new PublisherOptions(
        window, pollInterval, ackTimeout, backoffMin, backoffMax, closeTimeout);
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
