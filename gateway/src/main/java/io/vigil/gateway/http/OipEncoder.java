package io.vigil.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Writes OIP v2 response bodies with a streaming generator. */
final class OipEncoder {

  private static final JsonFactory JSON = new JsonFactory();

  private OipEncoder() {}

  /**
   * An inference response's body, and the length of the JSON that begins it when binary tensor data
   * follows (-1 when the body is JSON only).
   */
  record Response(Buffer body, int headerLength) {}

  /**
   * The body of an inference response: the outputs asked for, and Vigil's parameters; outputs that
   * the request asked for as binary tensor data follow the JSON, in the JSON's order, each named
   * there with its {@code binary_data_size}.
   */
  static Response inferResponse(
      LoadedModel model,
      InferRequest request,
      int rows,
      float[][] outputs,
      List<String> flags,
      long auditSeq,
      String safety) {
    Manifest manifest = model.manifest();
    List<ByteBuffer> binary = new ArrayList<>(request.binary().any() ? 1 : 0);
    Buffer json =
        write(
            256 + rows * 16,
            g -> {
              g.writeStartObject();
              g.writeStringField("model_name", manifest.modelId());
              g.writeStringField("model_version", manifest.version());
              if (request.id().isPresent()) {
                g.writeStringField("id", request.id().get());
              }
              g.writeObjectFieldStart("parameters");
              g.writeStringField("bundle_sha256", model.bundle().sha256());
              g.writeBooleanField("demo", manifest.demo());
              g.writeStringField("safety", safety);
              if (auditSeq >= 0) {
                g.writeNumberField("audit_seq", auditSeq);
              }
              if (!flags.isEmpty()) {
                g.writeArrayFieldStart("out_of_range");
                for (String flag : flags) {
                  g.writeString(flag);
                }
                g.writeEndArray();
              }
              g.writeEndObject();
              g.writeArrayFieldStart("outputs");
              List<TensorSpec> specs = manifest.outputs();
              for (int o = 0; o < specs.size(); o++) {
                TensorSpec spec = specs.get(o);
                if (!request.outputs().isEmpty() && !request.outputs().contains(spec.name())) {
                  continue;
                }
                g.writeStartObject();
                g.writeStringField("name", spec.name());
                g.writeStringField("datatype", spec.datatype());
                g.writeArrayFieldStart("shape");
                g.writeNumber(rows);
                for (int d = 1; d < spec.shape().size(); d++) {
                  g.writeNumber(spec.shape().get(d));
                }
                g.writeEndArray();
                if (request.binary().of(spec.name())) {
                  ByteBuffer bytes =
                      TensorBytes.Element.of(spec.datatype(), "output '" + spec.name() + "'")
                          .buffer(outputs[o]);
                  binary.add(bytes);
                  g.writeObjectFieldStart("parameters");
                  g.writeNumberField("binary_data_size", bytes.remaining());
                  g.writeEndObject();
                } else {
                  g.writeArrayFieldStart("data");
                  for (float v : outputs[o]) {
                    g.writeNumber(v);
                  }
                  g.writeEndArray();
                }
                g.writeEndObject();
              }
              g.writeEndArray();
              g.writeEndObject();
            });
    if (binary.isEmpty()) {
      return new Response(json, -1);
    }
    int headerLength = json.length();
    for (ByteBuffer b : binary) {
      json.appendBytes(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
    return new Response(json, headerLength);
  }

  /** The body of a model metadata response. */
  static Buffer metadata(LoadedModel model, List<String> versions) {
    Manifest manifest = model.manifest();
    return write(
        1024,
        g -> {
          g.writeStartObject();
          g.writeStringField("name", manifest.modelId());
          g.writeArrayFieldStart("versions");
          for (String v : versions) {
            g.writeString(v);
          }
          g.writeEndArray();
          g.writeStringField("platform", manifest.platform());
          tensors(g, "inputs", manifest.inputs());
          tensors(g, "outputs", manifest.outputs());
          g.writeObjectFieldStart("parameters");
          g.writeStringField("version", manifest.version());
          g.writeNumberField("release", manifest.release());
          g.writeStringField("bundle_sha256", model.bundle().sha256());
          g.writeBooleanField("demo", manifest.demo());
          g.writeStringField("intended_use", manifest.intendedUse());
          g.writeStringField("decision_output", manifest.decision().output());
          g.writeStringField("positive_label", manifest.decision().positiveLabel());
          g.writeNumberField("decision_threshold", manifest.decision().threshold());
          g.writeArrayFieldStart("features");
          for (TensorSpec input : manifest.inputs()) {
            for (Manifest.Feature f : input.features()) {
              g.writeStartObject();
              g.writeStringField("input", input.name());
              g.writeStringField("name", f.name());
              g.writeStringField("unit", f.unit());
              g.writeNumberField("min", f.min());
              g.writeNumberField("max", f.max());
              g.writeBooleanField("required", f.required());
              g.writeEndObject();
            }
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** The body of {@code GET /v2}. */
  static Buffer server(String version) {
    return write(
        128,
        g -> {
          g.writeStartObject();
          g.writeStringField("name", "vigil");
          g.writeStringField("version", version);
          g.writeArrayFieldStart("extensions");
          g.writeString("binary_tensor_data");
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** An error body: {@code {"error": "..."}}. */
  static Buffer error(String message) {
    return write(
        64 + message.length(),
        g -> {
          g.writeStartObject();
          g.writeStringField("error", message);
          g.writeEndObject();
        });
  }

  private static void tensors(JsonGenerator g, String field, List<TensorSpec> tensors)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorSpec t : tensors) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      g.writeStringField("datatype", t.datatype());
      g.writeArrayFieldStart("shape");
      for (long d : t.shape()) {
        g.writeNumber(d);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static Buffer write(int sizeHint, Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
