package io.vigil.trust.dsse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.TrustException;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import java.util.Map;

/**
 * Hostile bytes as a DSSE envelope: each is read and verified, or refused with {@link
 * TrustException}, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code EnvelopeFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class EnvelopeFuzzTest {

  private static final SigningKey KEY = SigningKey.generate();
  private static final Map<String, PublicKey> TRUSTED =
      Map.of(KEY.publicKey().keyId(), KEY.publicKey());

  @FuzzTest(maxDuration = "5s")
  void readsAnEnvelopeOrRefusesIt(byte[] bytes) {
    try {
      Envelope envelope = Envelope.parse(bytes);
      envelope.tally(TRUSTED);
      Envelope.parse(envelope.toJson());
      envelope.verify(envelope.payloadType(), TRUSTED, 1);
    } catch (TrustException expected) {
      // refused with a code
    }
  }
}
