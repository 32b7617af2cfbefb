package io.vigil.sync.chunks;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link MqttSource} waits for a target: where its chunks are kept between attempts, how
 * long one download may take, and how long without a new chunk before it asks the broker again.
 *
 * @param downloads where partial downloads live, e.g. {@code <data-dir>/sync/downloads}
 * @param targetTimeout how long {@link MqttSource#target} waits for the last chunk
 * @param resubscribeAfter how long without a new chunk before it subscribes again to the chunks
 *     still missing, which makes the broker send their retained messages again
 */
public record MqttSourceOptions(Path downloads, Duration targetTimeout, Duration resubscribeAfter) {

  /** How long one target may take by default: a 50 MB bundle at 100 kB/s, with room to spare. */
  public static final Duration DEFAULT_TARGET_TIMEOUT = Duration.ofMinutes(10);

  /** How long without a new chunk before the missing ones are asked for again by default. */
  public static final Duration DEFAULT_RESUBSCRIBE_AFTER = Duration.ofSeconds(30);

  public MqttSourceOptions {
    if (downloads == null) {
      throw new IllegalArgumentException("downloads is required");
    }
    if (targetTimeout == null || targetTimeout.isNegative() || targetTimeout.isZero()) {
      throw new IllegalArgumentException("targetTimeout must be positive: " + targetTimeout);
    }
    if (resubscribeAfter == null || resubscribeAfter.isNegative() || resubscribeAfter.isZero()) {
      throw new IllegalArgumentException("resubscribeAfter must be positive: " + resubscribeAfter);
    }
  }

  /** The defaults, with partial downloads in {@code downloads}. */
  public static MqttSourceOptions of(Path downloads) {
    return new MqttSourceOptions(downloads, DEFAULT_TARGET_TIMEOUT, DEFAULT_RESUBSCRIBE_AFTER);
  }

  /** These options with {@code targetTimeout}. */
  public MqttSourceOptions withTargetTimeout(Duration targetTimeout) {
    return new MqttSourceOptions(downloads, targetTimeout, resubscribeAfter);
  }

  /** These options with {@code resubscribeAfter}. */
  public MqttSourceOptions withResubscribeAfter(Duration resubscribeAfter) {
    return new MqttSourceOptions(downloads, targetTimeout, resubscribeAfter);
  }
}
