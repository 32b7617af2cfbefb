/**
 * Writes ONNX graphs of float tensors, byte for byte the same for the same calls: the demo model,
 * the benchmark-only models and the tests' small models are all written with {@link
 * io.vigil.onnxwriter.GraphWriter}. A build-time and test-time tool; the gateway never ships it.
 */
package io.vigil.onnxwriter;
