package io.vigil.sync.message;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.TrustException;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.key.SigningKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Hostile bytes as the payload of a message that a registered gateway's key signed (a gateway taken
 * over): each is verified or refused with {@link TrustException}, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * MessagePayloadFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class MessagePayloadFuzzTest {

  private static final SigningKey GATEWAY_KEY = SigningKey.generate();
  private static final Verifier VERIFIER = Verifier.create(Map.of("gw-1", GATEWAY_KEY.publicKey()));

  /** The first byte picks the message's kind, the rest is its payload. */
  @FuzzTest(maxDuration = "5s")
  void readsASignedPayloadOrRefusesIt(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Kind kind = Kind.values()[Math.floorMod(input[0], Kind.values().length)];
    byte[] payload = Arrays.copyOfRange(input, 1, input.length);
    byte[] envelope =
        Envelope.sign(SignedMessage.payloadType(kind), payload, List.of(GATEWAY_KEY)).toJson();
    try {
      VERIFIER.verify(envelope);
    } catch (TrustException expected) {
      // refused with a code
    }
  }
}
