package io.vigil.sync.message;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.TrustException;
import io.vigil.trust.key.SigningKey;
import java.util.Map;

/**
 * Hostile bytes as a gateway's signed message: each is verified or refused with {@link
 * TrustException}, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code VerifierFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class VerifierFuzzTest {

  private static final SigningKey GATEWAY_KEY = SigningKey.generate();
  private static final Verifier VERIFIER = Verifier.create(Map.of("gw-1", GATEWAY_KEY.publicKey()));

  @FuzzTest(maxDuration = "5s")
  void verifiesAMessageOrRefusesIt(byte[] envelope) {
    try {
      VERIFIER.verify(envelope);
    } catch (TrustException expected) {
      // refused with a code
    }
  }
}
