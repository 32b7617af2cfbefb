package io.vigil.gateway.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.gateway.grpc.oip.ModelInferRequest;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import io.vigil.inference.validation.InputValidator;
import io.vigil.inference.validation.RangePolicy;
import java.util.Set;

/**
 * Hostile bytes as a gRPC {@code ModelInferRequest}: each is not a message (as the binding tells
 * the device with {@code INVALID_ARGUMENT}), or a message that is decoded and checked against the
 * test model's manifest and taken or refused with {@link InferenceException} naming a bad input;
 * nothing else escapes, and no array beyond the model's limit is allocated.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code GrpcCodecFuzzTestInputs};
 * with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class GrpcCodecFuzzTest {

  private static final Set<Code> INPUT_CODES = Set.of(Code.INPUT_INVALID, Code.INPUT_MISSING);
  private static final InputValidator VALIDATOR =
      new InputValidator(TestBundles.manifest("fuzz", "1.0.0", 1), RangePolicy.REJECT, 64);
  private static final OipDecoder.Limits LIMITS =
      new OipDecoder.Limits(1, 1, VALIDATOR.maxValues());

  @FuzzTest(maxDuration = "5s")
  void decodesAMessageOrRefusesItAsInvalidInput(byte[] bytes) {
    ModelInferRequest message;
    try {
      message = ModelInferRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException notAMessage) {
      return;
    }
    try {
      VALIDATOR.validate(GrpcCodec.decode(message, LIMITS).inputs());
    } catch (InferenceException e) {
      if (!INPUT_CODES.contains(e.code())) {
        throw new AssertionError("unexpected code " + e.code() + ": " + e.getMessage(), e);
      }
    }
  }
}
