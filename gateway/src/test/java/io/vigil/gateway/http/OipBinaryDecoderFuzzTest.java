package io.vigil.gateway.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Hostile bodies with binary tensor data after their JSON (Triton's binary data extension), in one
 * chunk and in several, decoded and checked as {@link OipDecoderFuzzTest} checks JSON bodies: each
 * is taken or refused with an input error, and nothing else escapes. A class of its own, since
 * Jazzer fuzzes one test per class in a run.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * OipBinaryDecoderFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class OipBinaryDecoderFuzzTest {

  /**
   * Hostile bodies with binary tensor data: the first four bytes (big-endian) are taken for the
   * {@code Inference-Header-Content-Length}, the rest is the body.
   */
  @FuzzTest(maxDuration = "5s")
  void decodesABodyWithBinaryTensorDataOrRefusesItAsInvalidInput(byte[] bytes) {
    if (bytes.length < 4) {
      return;
    }
    long headerLength = ByteBuffer.wrap(bytes, 0, 4).getInt() & 0xffffffffL;
    byte[] body = Arrays.copyOfRange(bytes, 4, bytes.length);
    OipDecoderFuzzTest.decodeAndValidate(
        new RequestBody(List.of(Buffer.buffer(body)), body.length), headerLength);
    OipDecoderFuzzTest.decodeAndValidate(
        new RequestBody(OipDecoderFuzzTest.chunks(body), body.length), headerLength);
  }
}
