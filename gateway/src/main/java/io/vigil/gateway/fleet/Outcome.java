package io.vigil.gateway.fleet;

import io.vigil.sync.outbox.Kind;
import java.util.List;

/** What {@link FleetWatch#accept} did with one received message. */
public sealed interface Outcome permits Outcome.Accepted, Outcome.Duplicate, Outcome.Refused {

  /** Why a message was refused. */
  enum Reason {
    /** Not a Vigil gateway message: not a DSSE envelope, another payload type, a bad payload. */
    MALFORMED,
    /** It names a gateway that is not registered. */
    UNREGISTERED,
    /** It names a registered gateway, but that gateway's key did not sign it as it is. */
    BAD_SIGNATURE,
    /** It came on another gateway's topic than the one its signed payload names. */
    TOPIC_MISMATCH
  }

  /** Verified, new, and stored; {@code alerts} are the fleet alerts it raised (usually none). */
  record Accepted(String gateway, long seq, Kind kind, List<Alert> alerts) implements Outcome {
    public Accepted {
      alerts = List.copyOf(alerts);
    }
  }

  /** Verified, but (gateway, seq) was stored before: a resend, counted and dropped. */
  record Duplicate(String gateway, long seq) implements Outcome {}

  /** Refused and counted; nothing of it was stored but the refusal. */
  record Refused(Reason reason, String detail) implements Outcome {}
}
