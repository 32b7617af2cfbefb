package io.vigil.sync.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import java.time.Instant;

/**
 * A message as it goes to the broker: a DSSE envelope signed with the gateway's identity key, whose
 * payload is the canonical JSON {@code {"body", "gateway", "sent_at", "seq"}}, so that the
 * gateway's name, the outbox sequence number and the send time are signed with the body.
 */
public final class SignedMessage {

  /** The payload type of a summary. */
  public static final String SUMMARY_TYPE = "application/vnd.vigil.summary+json;v=1";

  /** The payload type of an event. */
  public static final String EVENT_TYPE = "application/vnd.vigil.event+json;v=1";

  /** The payload type of the outbox's marker of dropped rows. */
  public static final String DROPPED_TYPE = "application/vnd.vigil.outbox-dropped+json;v=1";

  private final Envelope envelope;

  private SignedMessage(Envelope envelope) {
    this.envelope = envelope;
  }

  /**
   * Signs {@code body} (canonical JSON of a summary, an event or a marker, as the outbox holds it)
   * as message {@code seq} of {@code identity}'s gateway, sent at {@code sentAt}.
   */
  public static SignedMessage sign(
      IdentityKey identity, Kind kind, long seq, Instant sentAt, byte[] body) {
    if (seq < 1) {
      throw new IllegalArgumentException("seq < 1");
    }
    JsonNode parsed = Json.parse(body);
    if (!parsed.isObject()) {
      throw new IllegalArgumentException("a message body is a JSON object");
    }
    ObjectNode payload = Json.object();
    payload.set("body", parsed);
    payload.put("gateway", identity.name());
    payload.put("seq", seq);
    payload.put("sent_at", sentAt.toString());
    return new SignedMessage(
        identity.signEnvelope(payloadType(kind), CanonicalJson.bytes(payload)));
  }

  /** The envelope's JSON: what is published. */
  public byte[] toJson() {
    return envelope.toJson();
  }

  /** The payload type of {@code kind}. */
  public static String payloadType(Kind kind) {
    return switch (kind) {
      case SUMMARY -> SUMMARY_TYPE;
      case EVENT -> EVENT_TYPE;
      case DROPPED -> DROPPED_TYPE;
    };
  }
}
