package io.vigil.gateway.http;

import com.google.protobuf.ByteString;
import io.vigil.gateway.grpc.oip.InferParameter;
import io.vigil.gateway.grpc.oip.InferTensorContents;
import io.vigil.gateway.grpc.oip.ModelInferRequest;
import io.vigil.gateway.grpc.oip.ModelInferResponse;
import io.vigil.gateway.grpc.oip.ModelMetadataResponse;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.validation.InputTensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The OIP's gRPC messages to and from the gateway's own: a {@code ModelInferRequest} becomes the
 * same {@link InferRequest} that the JSON decoder makes, with tensors in the typed {@code contents}
 * or in {@code raw_input_contents} (little-endian, as the protocol says); an answer goes back in
 * the form the request used. Every refusal is {@code INPUT_INVALID} with a message that names the
 * tensor and what is wrong, and no array is allocated beyond the model's limit on values.
 */
final class GrpcCodec {

  private GrpcCodec() {}

  /** Decodes {@code message} for a model that takes at most {@code limits}. */
  static InferRequest decode(ModelInferRequest message, OipDecoder.Limits limits) {
    int count = message.getInputsCount();
    if (count == 0) {
      throw invalid("request has no inputs");
    }
    if (count > limits.inputs()) {
      throw invalid(
          "request has " + count + " inputs; the model takes " + limits.inputs() + " at most");
    }
    boolean raw = message.getRawInputContentsCount() > 0;
    if (raw && message.getRawInputContentsCount() != count) {
      throw invalid(
          "raw_input_contents holds "
              + message.getRawInputContentsCount()
              + " tensors for "
              + count
              + " inputs; give one for every input, or none");
    }
    long valuesLeft = limits.values();
    List<InputTensor> inputs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ModelInferRequest.InferInputTensor t = message.getInputs(i);
      String what = "input " + i + " ('" + t.getName() + "')";
      if (t.getName().isEmpty()) {
        throw invalid("input " + i + " has no name");
      }
      long[] shape = shape(t, what);
      long size = size(shape, what);
      if (size > valuesLeft) {
        throw invalid(
            what
                + " has "
                + size
                + " values; the model takes at most "
                + limits.values()
                + " in a request");
      }
      valuesLeft -= size;
      TensorBytes.Element element = TensorBytes.Element.of(t.getDatatype(), what);
      float[] values;
      if (raw) {
        if (t.hasContents()) {
          throw invalid(what + " has both contents and raw_input_contents; give one");
        }
        values = raw(message.getRawInputContents(i), element, (int) size, what);
      } else {
        values = typed(t.getContents(), element, (int) size, what);
      }
      inputs.add(new InputTensor(t.getName(), t.getDatatype(), shape, values, new BitSet()));
    }
    if (message.getOutputsCount() > limits.outputs()) {
      throw invalid(
          "request asks for "
              + message.getOutputsCount()
              + " outputs; the model returns "
              + limits.outputs());
    }
    List<String> outputs = new ArrayList<>(message.getOutputsCount());
    for (ModelInferRequest.InferRequestedOutputTensor o : message.getOutputsList()) {
      outputs.add(o.getName());
    }
    return new InferRequest(
        message.getId().isEmpty() ? Optional.empty() : Optional.of(message.getId()),
        inputs,
        outputs);
  }

  /**
   * The answer to {@code request}: the outputs it asked for, in {@code raw_output_contents} if it
   * sent raw inputs, else in typed contents, and Vigil's parameters, as in the JSON answer.
   */
  static ModelInferResponse inferResponse(
      LoadedModel model,
      ModelInferRequest message,
      InferRequest request,
      int rows,
      float[][] outputs,
      List<String> flags,
      long auditSeq,
      String safety) {
    Manifest manifest = model.manifest();
    boolean raw = message.getRawInputContentsCount() > 0;
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder()
            .setModelName(manifest.modelId())
            .setModelVersion(manifest.version())
            .setId(message.getId())
            .putParameters("bundle_sha256", text(model.bundle().sha256()))
            .putParameters(
                "demo", InferParameter.newBuilder().setBoolParam(manifest.demo()).build())
            .putParameters("safety", text(safety));
    if (auditSeq >= 0) {
      b.putParameters("audit_seq", InferParameter.newBuilder().setInt64Param(auditSeq).build());
    }
    if (!flags.isEmpty()) {
      b.putParameters("out_of_range", text(String.join(",", flags)));
    }
    List<TensorSpec> specs = manifest.outputs();
    for (int o = 0; o < specs.size(); o++) {
      TensorSpec spec = specs.get(o);
      if (!request.outputs().isEmpty() && !request.outputs().contains(spec.name())) {
        continue;
      }
      ModelInferResponse.InferOutputTensor.Builder t =
          ModelInferResponse.InferOutputTensor.newBuilder()
              .setName(spec.name())
              .setDatatype(spec.datatype())
              .addShape(rows);
      for (int d = 1; d < spec.shape().size(); d++) {
        t.addShape(spec.shape().get(d));
      }
      TensorBytes.Element element =
          TensorBytes.Element.of(spec.datatype(), "output '" + spec.name() + "'");
      if (raw) {
        b.addRawOutputContents(element.bytes(outputs[o]));
      } else {
        t.setContents(element.contents(outputs[o]));
      }
      b.addOutputs(t);
    }
    return b.build();
  }

  /** The answer to a model metadata request, as in {@code GET /v2/models/{model}}. */
  static ModelMetadataResponse metadata(LoadedModel model, List<String> versions) {
    Manifest manifest = model.manifest();
    ModelMetadataResponse.Builder b =
        ModelMetadataResponse.newBuilder()
            .setName(manifest.modelId())
            .addAllVersions(versions)
            .setPlatform(manifest.platform())
            .putProperties("version", manifest.version())
            .putProperties("bundle_sha256", model.bundle().sha256())
            .putProperties("demo", String.valueOf(manifest.demo()))
            .putProperties("intended_use", manifest.intendedUse());
    for (TensorSpec t : manifest.inputs()) {
      b.addInputs(tensor(t));
    }
    for (TensorSpec t : manifest.outputs()) {
      b.addOutputs(tensor(t));
    }
    return b.build();
  }

  private static ModelMetadataResponse.TensorMetadata tensor(TensorSpec t) {
    ModelMetadataResponse.TensorMetadata.Builder b =
        ModelMetadataResponse.TensorMetadata.newBuilder()
            .setName(t.name())
            .setDatatype(t.datatype());
    t.shape().forEach(b::addShape);
    return b.build();
  }

  private static InferParameter text(String value) {
    return InferParameter.newBuilder().setStringParam(value).build();
  }

  private static long[] shape(ModelInferRequest.InferInputTensor t, String what) {
    if (t.getShapeCount() == 0) {
      throw invalid(what + " has no shape");
    }
    long[] shape = new long[t.getShapeCount()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = t.getShape(d);
      if (shape[d] < 0) {
        throw invalid(what + " has a negative dimension in its shape " + t.getShapeList());
      }
    }
    return shape;
  }

  private static long size(long[] shape, String what) {
    long size = 1;
    for (long d : shape) {
      if (d != 0 && size > Integer.MAX_VALUE / d) {
        throw invalid(what + " has a shape too large to hold");
      }
      size *= d;
    }
    return size;
  }

  private static float[] raw(ByteString bytes, TensorBytes.Element element, int size, String what) {
    long expected = (long) size * element.width;
    if (bytes.size() != expected) {
      throw invalid(
          what
              + ": raw_input_contents holds "
              + bytes.size()
              + " bytes; "
              + size
              + " values of "
              + element.datatype
              + " take "
              + expected);
    }
    return TensorBytes.read(bytes.asReadOnlyByteBuffer(), element, size);
  }

  private static float[] typed(
      InferTensorContents c, TensorBytes.Element element, int size, String what) {
    int given =
        switch (element.contents) {
          case FP32 -> c.getFp32ContentsCount();
          case FP64 -> c.getFp64ContentsCount();
          case INT -> c.getIntContentsCount();
          case INT64 -> c.getInt64ContentsCount();
          case UINT -> c.getUintContentsCount();
          case UINT64 -> c.getUint64ContentsCount();
          case BOOL -> c.getBoolContentsCount();
        };
    if (given != size) {
      throw invalid(
          what
              + ": "
              + element.contents.field
              + " holds "
              + given
              + " values; its shape needs "
              + size);
    }
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] =
          switch (element.contents) {
            case FP32 -> c.getFp32Contents(i);
            case FP64 -> (float) c.getFp64Contents(i);
            case INT -> c.getIntContents(i);
            case INT64 -> c.getInt64Contents(i);
            case UINT -> Integer.toUnsignedLong(c.getUintContents(i));
            case UINT64 -> TensorBytes.unsigned(c.getUint64Contents(i));
            case BOOL -> c.getBoolContents(i) ? 1f : 0f;
          };
    }
    return values;
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(InferenceException.Code.INPUT_INVALID, message);
  }
}
