package io.vigil.audit;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One event: something that happened to the gateway, who did it, and its details.
 *
 * @param type what happened, dotted lower case: {@code gateway.started}, {@code gateway.stopped},
 *     {@code config.loaded}, {@code bundle.installed}, {@code bundle.activated}, {@code admin.*}
 * @param actor who did it: a user name, a device, or {@code system}
 * @param details a JSON object, kept in canonical form (keys sorted, no whitespace; numbers that
 *     are not integers are doubles)
 */
public record EventEntry(String type, String actor, String details) implements Entry {

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*");

  public EventEntry {
    Objects.requireNonNull(type, "type");
    if (!TYPE.matcher(type).matches() || type.length() > 64) {
      throw new IllegalArgumentException(
          "event type must be dotted lower-case words of at most 64 characters: " + type);
    }
    PredictionEntry.requireText(actor, "actor");
    Objects.requireNonNull(details, "details");
    details = CanonicalJson.canonicalObject(details);
  }

  /** An event whose details are these JSON values (strings, numbers, booleans, lists, maps). */
  public static EventEntry of(String type, String actor, Map<String, ?> details) {
    return new EventEntry(type, actor, CanonicalJson.canonicalObject(details));
  }

  /** An event without details. */
  public static EventEntry of(String type, String actor) {
    return new EventEntry(type, actor, "{}");
  }
}
