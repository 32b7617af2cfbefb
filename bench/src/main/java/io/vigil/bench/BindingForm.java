package io.vigil.bench;

import com.google.protobuf.ByteString;
import io.vertx.core.buffer.Buffer;
import io.vigil.gateway.grpc.oip.InferTensorContents;
import io.vigil.gateway.grpc.oip.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forms in which a device can send the same inference request: the protocol's JSON REST
 * binding, Triton's binary tensor extension of it, and the protocol's gRPC service with the tensor
 * in {@code raw_input_contents} or in the typed {@code fp32_contents}.
 */
enum BindingForm {
  /** {@code POST /v2/models/{m}/infer}, {@code application/json}: every value as decimal text. */
  JSON("JSON REST"),
  /**
   * The same path, the JSON header with {@code binary_data_size} then the values as little-endian
   * float32, {@code Inference-Header-Content-Length}; the output asked for in binary as well.
   */
  BINARY("binary REST"),
  /**
   * {@code inference.GRPCInferenceService/ModelInfer}, the values in {@code raw_input_contents}.
   */
  GRPC_RAW("gRPC, raw_input_contents"),
  /** The same RPC, the values in {@code contents.fp32_contents} (packed repeated float). */
  GRPC_TYPED("gRPC, fp32_contents");

  /** The protocol's ModelInfer RPC as an HTTP/2 path. */
  static final String GRPC_INFER = "/inference.GRPCInferenceService/ModelInfer";

  private final String label;

  BindingForm(String label) {
    this.label = label;
  }

  /** How BENCHMARKS.md names it. */
  String label() {
    return label;
  }

  boolean grpc() {
    return this == GRPC_RAW || this == GRPC_TYPED;
  }

  /**
   * What the load sends in this form to {@code model}: one request per row of {@link
   * BenchModel#rows()}, in turn.
   *
   * @param path the HTTP path
   * @param headers the headers of every request
   * @param bodies the bodies, each a whole request (for gRPC, one length-prefixed message)
   */
  record Load(BindingForm form, String path, Map<String, String> headers, List<Buffer> bodies) {

    /** The mean body size in bytes. */
    double meanBytes() {
      return bodies.stream().mapToInt(Buffer::length).average().orElse(0);
    }
  }

  Load load(BenchModel model) {
    List<float[]> rows = model.rows();
    List<Buffer> bodies = new ArrayList<>();
    String rest = model.inferPath();
    switch (this) {
      case JSON -> {
        for (int i = 0; i < rows.size(); i++) {
          bodies.add(Buffer.buffer(model.requestBody(id(i), rows.get(i))));
        }
        return new Load(this, rest, Map.of("Content-Type", "application/json"), bodies);
      }
      case BINARY -> {
        int headerLength = -1;
        for (int i = 0; i < rows.size(); i++) {
          byte[] header = binaryHeader(model, id(i), rows.get(i).length);
          headerLength = header.length;
          bodies.add(Buffer.buffer(header).appendBytes(littleEndian(rows.get(i))));
        }
        // Every id has the same length, so every header does.
        return new Load(
            this,
            rest,
            Map.of(
                "Content-Type",
                "application/octet-stream",
                "Inference-Header-Content-Length",
                String.valueOf(headerLength)),
            bodies);
      }
      default -> {
        for (int i = 0; i < rows.size(); i++) {
          bodies.add(grpcMessage(inferRequest(model, id(i), rows.get(i))));
        }
        return new Load(
            this, GRPC_INFER, Map.of("Content-Type", "application/grpc", "TE", "trailers"), bodies);
      }
    }
  }

  /**
   * Why a reply does not count as answered, or empty when it does: HTTP 200 and, for gRPC, a {@code
   * grpc-status} of 0.
   */
  String failure(int httpStatus, String grpcStatus, Buffer body) {
    if (httpStatus != 200) {
      return "HTTP " + httpStatus + ": " + excerpt(body);
    }
    if (grpc() && !"0".equals(grpcStatus)) {
      return "grpc-status " + grpcStatus;
    }
    return "";
  }

  private static String excerpt(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  /** A request id of the same length for every row. */
  private static String id(int row) {
    return String.format(Locale.ROOT, "bench-%04d", row);
  }

  private static byte[] binaryHeader(BenchModel model, String id, int values) {
    return String.format(
            Locale.ROOT,
            "{\"id\":\"%s\",\"inputs\":[{\"name\":\"%s\",\"datatype\":\"FP32\",\"shape\":[1,%d],"
                + "\"parameters\":{\"binary_data_size\":%d}}],"
                + "\"parameters\":{\"binary_data_output\":true}}",
            id,
            model.input(),
            values,
            values * Float.BYTES)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] littleEndian(float[] row) {
    ByteBuffer b = ByteBuffer.allocate(row.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : row) {
      b.putFloat(v);
    }
    return b.array();
  }

  private ModelInferRequest inferRequest(BenchModel model, String id, float[] row) {
    ModelInferRequest.InferInputTensor.Builder tensor =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName(model.input())
            .setDatatype("FP32")
            .addShape(1)
            .addShape(row.length);
    ModelInferRequest.Builder request =
        ModelInferRequest.newBuilder().setModelName(model.modelId()).setId(id);
    if (this == GRPC_RAW) {
      request.addRawInputContents(ByteString.copyFrom(littleEndian(row)));
    } else {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (float v : row) {
        contents.addFp32Contents(v);
      }
      tensor.setContents(contents);
    }
    return request.addInputs(tensor).build();
  }

  /** A gRPC message on the wire: not compressed, its length as 4 bytes big-endian, the bytes. */
  private static Buffer grpcMessage(ModelInferRequest request) {
    byte[] bytes = request.toByteArray();
    return Buffer.buffer(bytes.length + 5)
        .appendByte((byte) 0)
        .appendInt(bytes.length)
        .appendBytes(bytes);
  }
}
