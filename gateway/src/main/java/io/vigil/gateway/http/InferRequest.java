package io.vigil.gateway.http;

import io.vigil.inference.validation.InputTensor;
import java.util.List;
import java.util.Optional;

/**
 * An OIP v2 inference request as decoded from JSON.
 *
 * @param id the request id the device chose, echoed back
 * @param inputs the input tensors
 * @param outputs the outputs the device asked for; empty means all
 */
record InferRequest(Optional<String> id, List<InputTensor> inputs, List<String> outputs) {
  InferRequest {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
