package io.vigil.sync.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;

/**
 * The body of an {@code outbox.dropped} row: every sequence number from {@code firstSeq} to {@code
 * lastSeq} that the receiver never gets was dropped by the full-outbox policy, so a gap is
 * explained, never silent. Rows in the range that were kept (safety rows, newer events) still
 * arrive. A marker that was not sent yet when more rows are dropped is replaced by one that covers
 * both, and counts the replaced marker's own sequence number among the dropped.
 *
 * @param firstSeq the lowest dropped sequence number
 * @param lastSeq the highest
 * @param summaries the summaries dropped
 * @param events the routine events dropped
 * @param markers the earlier, unsent markers this one replaced
 */
public record DropMarker(long firstSeq, long lastSeq, long summaries, long events, long markers) {

  public DropMarker {
    if (firstSeq < 1 || lastSeq < firstSeq) {
      throw new IllegalArgumentException("bad range " + firstSeq + ".." + lastSeq);
    }
    if (summaries < 0 || events < 0 || markers < 0 || summaries + events + markers == 0) {
      throw new IllegalArgumentException("a marker counts at least one dropped row");
    }
    if (summaries + events + markers > lastSeq - firstSeq + 1) {
      throw new IllegalArgumentException("more rows dropped than the range holds");
    }
  }

  /** All rows it accounts for. */
  public long dropped() {
    return summaries + events + markers;
  }

  /** The canonical JSON body. */
  public byte[] toJson() {
    ObjectNode n = Json.object();
    n.put("first_seq", firstSeq);
    n.put("last_seq", lastSeq);
    n.put("dropped", dropped());
    n.put("summaries", summaries);
    n.put("events", events);
    n.put("markers", markers);
    return CanonicalJson.bytes(n);
  }

  /** Reads a body written by {@link #toJson()}. */
  public static DropMarker parse(byte[] json) {
    JsonNode n = Json.parse(json);
    DropMarker m =
        new DropMarker(
            number(n, "first_seq"),
            number(n, "last_seq"),
            number(n, "summaries"),
            number(n, "events"),
            number(n, "markers"));
    if (number(n, "dropped") != m.dropped()) {
      throw new IllegalArgumentException("dropped is not the sum of its parts");
    }
    return m;
  }

  /** This marker widened by {@code other}'s range and counts. */
  DropMarker merge(DropMarker other) {
    return new DropMarker(
        Math.min(firstSeq, other.firstSeq),
        Math.max(lastSeq, other.lastSeq),
        summaries + other.summaries,
        events + other.events,
        markers + other.markers);
  }

  private static long number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return v.longValue();
  }
}
