package io.vigil.inference;

import java.util.List;

/**
 * A request's inputs after they matched the manifest: one flat row-major array per manifest input,
 * in manifest order, and the out-of-range values that the policy let through.
 */
public record ValidatedInput(int rows, float[][] values, List<String> flags) {
  public ValidatedInput {
    if (rows < 1) {
      throw new IllegalArgumentException("rows < 1");
    }
    flags = List.copyOf(flags);
  }
}
