package io.vigil.inference.validation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Manifest;
import java.nio.ReadOnlyBufferException;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputValidatorTest {

  private final Manifest manifest = TestBundles.manifest("test-model", "1.0.0", 1);
  private final InputValidator reject = new InputValidator(manifest, RangePolicy.REJECT, 4);

  @Test
  void keepsWhatWasValidatedWhateverTheCallerChangesAfterwards() {
    float[] sent = {1, 2, 3};
    ValidatedInput input =
        reject.validate(
            List.of(new InputTensor("x", "FP32", new long[] {1, 3}, sent, new BitSet())));

    sent[0] = 1e30f;
    input.copyOfValues(0)[1] = 1e30f;

    assertArrayEquals(new float[] {1, 2, 3}, input.copyOfValues(0));
    assertThrows(ReadOnlyBufferException.class, () -> input.values(0).put(0, 1e30f));
  }

  @Test
  void acceptsMatchingRows() {
    ValidatedInput input =
        reject.validate(List.of(tensor("x", "FP32", new long[] {2, 3}, 1, 2, 3, 4, 5, 6)));

    assertEquals(2, input.rows());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, input.copyOfValues(0));
    assertEquals(List.of(), input.flags());
  }

  @Test
  void namesEveryKindOfBadInput() {
    assertMessage(
        "unknown input 'y'; model test-model takes [x]",
        tensor("y", "FP32", new long[] {1, 3}, 1, 2, 3));
    assertMessage(
        "input x: datatype FP64 does not match the model's FP32",
        tensor("x", "FP64", new long[] {1, 3}, 1, 2, 3));
    assertMessage(
        "input x: shape [1, 4] does not match the model's [-1, 3] (rows first, at least one)",
        tensor("x", "FP32", new long[] {1, 4}, 1, 2, 3, 4));
    assertMessage(
        "input x: shape [3] does not match the model's [-1, 3] (rows first, at least one)",
        tensor("x", "FP32", new long[] {3}, 1, 2, 3));
    assertMessage(
        "input x: shape [2, 3] needs 6 values, got 3",
        tensor("x", "FP32", new long[] {2, 3}, 1, 2, 3));
    assertMessage(
        "input x: 5 rows, more than the 4 a request may carry",
        tensor("x", "FP32", new long[] {5, 3}, new float[15]));
    assertMessage(
        "input x: row 0, feature f1 (column 1) is NaN",
        tensor("x", "FP32", new long[] {1, 3}, 1, Float.NaN, 3));
    assertMessage(
        "input x: row 1, feature f2 (column 2) is infinite or beyond the range of FP32",
        tensor("x", "FP32", new long[] {2, 3}, 1, 2, 3, 4, 5, Float.POSITIVE_INFINITY));
    assertMessage(
        "input x: row 0, feature f0 (column 0) = 250.0 is outside the plausible range [-100.0, 100.0] mmol/L",
        tensor("x", "FP32", new long[] {1, 3}, 250, 2, 3));
  }

  @Test
  void namesAMissingValue() {
    BitSet nulls = new BitSet();
    nulls.set(2);
    InputTensor t =
        new InputTensor("x", "FP32", new long[] {1, 3}, new float[] {1, 2, Float.NaN}, nulls);

    InferenceException e =
        assertThrows(InferenceException.class, () -> reject.validate(List.of(t)));

    assertEquals(InferenceException.Code.INPUT_MISSING, e.code());
    assertEquals(
        "input x: row 0, feature f2 (column 2) is missing; it is required", e.getMessage());
  }

  @Test
  void rejectsAMissingOrRepeatedInput() {
    assertEquals(
        "input x is missing; model test-model takes [x]",
        assertThrows(InferenceException.class, () -> reject.validate(List.of())).getMessage());
    InputTensor x = tensor("x", "FP32", new long[] {1, 3}, 1, 2, 3);
    assertEquals(
        "input x is given twice",
        assertThrows(InferenceException.class, () -> reject.validate(List.of(x, x))).getMessage());
  }

  @Test
  void flagsOutOfRangeValuesInsteadWhenThePolicySaysSo() {
    InputValidator flag = new InputValidator(manifest, RangePolicy.FLAG, 4);

    ValidatedInput input =
        flag.validate(List.of(tensor("x", "FP32", new long[] {1, 3}, 1, 250, 3)));

    assertEquals(
        List.of("x[0][1] f1 = 250.0 is outside the plausible range [-100.0, 100.0] mmol/L"),
        input.flags());
  }

  @Test
  void flagPolicyStillRejectsNaN() {
    InputValidator flag = new InputValidator(manifest, RangePolicy.FLAG, 4);

    assertThrows(
        InferenceException.class,
        () -> flag.validate(List.of(tensor("x", "FP32", new long[] {1, 3}, Float.NaN, 2, 3))));
  }

  private void assertMessage(String expected, InputTensor tensor) {
    InferenceException e =
        assertThrows(InferenceException.class, () -> reject.validate(List.of(tensor)));
    assertEquals(Code.INPUT_INVALID, e.code());
    assertEquals(expected, e.getMessage());
  }

  private static InputTensor tensor(String name, String datatype, long[] shape, float... values) {
    return new InputTensor(name, datatype, shape, values, new BitSet());
  }

  @Test
  void aRequestMayCarryMaxRowsOfEveryInput() {
    InputValidator validator =
        new InputValidator(TestBundles.manifest("test-model", "1.0.0", 1), RangePolicy.REJECT, 4);

    assertEquals(4 * 3, validator.maxValues());
  }
}
