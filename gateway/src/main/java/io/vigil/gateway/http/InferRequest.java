package io.vigil.gateway.http;

import io.vigil.inference.validation.InputTensor;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An OIP v2 inference request as decoded from JSON.
 *
 * @param id the request id the device chose, echoed back
 * @param inputs the input tensors
 * @param outputs the outputs the device asked for; empty means all
 * @param binary which outputs go back as binary tensor data
 */
record InferRequest(
    Optional<String> id, List<InputTensor> inputs, List<String> outputs, Binary binary) {
  InferRequest {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** A request whose outputs all go back in JSON. */
  InferRequest(Optional<String> id, List<InputTensor> inputs, List<String> outputs) {
    this(id, inputs, outputs, Binary.NONE);
  }

  /**
   * Which outputs go back as binary tensor data after the JSON (the binary tensor data extension):
   * all of them ({@code parameters.binary_data_output}), or those named ({@code
   * outputs[].parameters.binary_data}).
   */
  record Binary(boolean all, Set<String> outputs) {
    static final Binary NONE = new Binary(false, Set.of());

    Binary {
      outputs = Set.copyOf(outputs);
    }

    boolean any() {
      return all || !outputs.isEmpty();
    }

    boolean of(String output) {
      return all || outputs.contains(output);
    }
  }
}
