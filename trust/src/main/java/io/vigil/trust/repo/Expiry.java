package io.vigil.trust.repo;

import java.time.Duration;

/**
 * How long each role's metadata stays valid once signed. The defaults suit a hospital that may
 * install from removable media days after the manufacturer signed: a timestamp lives a week.
 */
public record Expiry(Duration root, Duration targets, Duration snapshot, Duration timestamp) {

  /** Root a year, targets half a year, snapshot a month, timestamp a week. */
  public static final Expiry DEFAULT =
      new Expiry(
          Duration.ofDays(365), Duration.ofDays(182), Duration.ofDays(30), Duration.ofDays(7));

  public Expiry {
    for (Duration d : new Duration[] {root, targets, snapshot, timestamp}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("an expiry period must be positive, not " + d);
      }
    }
  }

  /** The period of {@code role}. */
  public Duration of(String role) {
    return switch (role) {
      case "root" -> root;
      case "snapshot" -> snapshot;
      case "timestamp" -> timestamp;
      default -> targets;
    };
  }
}
