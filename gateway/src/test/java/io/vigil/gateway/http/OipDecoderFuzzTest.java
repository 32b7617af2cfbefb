package io.vigil.gateway.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import io.vigil.inference.validation.InputValidator;
import io.vigil.inference.validation.RangePolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Hostile bytes as an OIP inference request, in one chunk and in several, decoded and checked
 * against the test model's manifest: each is taken or refused with {@link InferenceException}
 * naming a bad input, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code OipDecoderFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class OipDecoderFuzzTest {

  private static final int MAX_ROWS = 64;
  private static final Set<Code> INPUT_CODES = Set.of(Code.INPUT_INVALID, Code.INPUT_MISSING);
  private static final List<InputValidator> VALIDATORS =
      List.of(
          new InputValidator(
              TestBundles.manifest("fuzz", "1.0.0", 1), RangePolicy.REJECT, MAX_ROWS),
          new InputValidator(TestBundles.manifest("fuzz", "1.0.0", 1), RangePolicy.FLAG, MAX_ROWS));
  private static final OipDecoder.Limits LIMITS =
      new OipDecoder.Limits(1, 1, VALIDATORS.get(0).maxValues());

  @FuzzTest(maxDuration = "5s")
  void decodesAndValidatesARequestOrRefusesItAsInvalidInput(byte[] bytes) {
    decodeAndValidate(new RequestBody(List.of(Buffer.buffer(bytes)), bytes.length));
    decodeAndValidate(new RequestBody(chunks(bytes), bytes.length));
  }

  private static void decodeAndValidate(RequestBody body) {
    decodeAndValidate(body, -1);
  }

  /** Decodes {@code body} (with binary data after {@code headerLength} bytes, unless -1). */
  static void decodeAndValidate(RequestBody body, long headerLength) {
    try {
      InferRequest request = OipDecoder.decode(body, LIMITS, headerLength);
      for (InputValidator validator : VALIDATORS) {
        try {
          validator.validate(request.inputs());
        } catch (InferenceException e) {
          expectInputCode(e);
        }
      }
    } catch (InferenceException e) {
      expectInputCode(e);
    }
  }

  /** The body cut in chunks of 7 bytes, so that tokens straddle them as they do off a socket. */
  static List<Buffer> chunks(byte[] bytes) {
    List<Buffer> chunks = new java.util.ArrayList<>();
    for (int from = 0; from < bytes.length; from += 7) {
      chunks.add(Buffer.buffer(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 7))));
    }
    return chunks;
  }

  private static void expectInputCode(InferenceException e) {
    if (!INPUT_CODES.contains(e.code())) {
      throw new AssertionError("unexpected code " + e.code() + ": " + e.getMessage(), e);
    }
  }
}
