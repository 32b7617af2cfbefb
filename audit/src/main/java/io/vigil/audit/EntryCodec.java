package io.vigil.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.canonical.Decimals;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The canonical bytes of an entry, and back.
 *
 * <p>An entry is the canonical JSON object {@code {"<kind>":{...},"seq":N,"time":"...","v":1}}
 * where kind is {@code prediction} or {@code event}, time is UTC with microseconds in a fixed
 * width, and the body's keys are snake_case. The body is encoded on the caller's thread; the writer
 * only splices in the sequence number and time.
 */
final class EntryCodec {

  static final int VERSION = 1;
  static final String PREDICTION = "prediction";
  static final String EVENT = "event";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private EntryCodec() {}

  /** An entry's body, encoded once, with the columns kept for queries. */
  record Encoded(String kind, String ref, String modelId, byte[] body) {}

  static Encoded encode(Entry entry) {
    StringBuilder sb = new StringBuilder(512);
    if (entry instanceof PredictionEntry p) {
      prediction(p, sb);
      return new Encoded(PREDICTION, p.requestId(), p.modelId(), utf8(sb));
    }
    EventEntry e = (EventEntry) entry;
    sb.append("{\"actor\":");
    CanonicalJson.appendString(sb, e.actor());
    sb.append(",\"details\":").append(e.details()).append(",\"type\":");
    CanonicalJson.appendString(sb, e.type());
    sb.append('}');
    return new Encoded(EVENT, e.type(), null, utf8(sb));
  }

  /** The canonical entry bytes: the encoded body with its sequence number and time. */
  static byte[] canonical(Encoded encoded, long seq, String time) {
    byte[] head = ("{\"" + encoded.kind() + "\":").getBytes(StandardCharsets.US_ASCII);
    byte[] tail =
        (",\"seq\":" + seq + ",\"time\":\"" + time + "\",\"v\":" + VERSION + "}")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + encoded.body().length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(encoded.body(), 0, out, head.length, encoded.body().length);
    System.arraycopy(tail, 0, out, head.length + encoded.body().length, tail.length);
    return out;
  }

  static byte[] canonical(StoredEntry stored) {
    return canonical(encode(stored.entry()), stored.seq(), formatTime(stored.time()));
  }

  /** UTC, truncated to microseconds, always six fraction digits. */
  static String formatTime(Instant time) {
    return TIME.format(time.truncatedTo(ChronoUnit.MICROS));
  }

  // The inputs' JSON that this thread built last, for the digest: the entry that follows usually
  // holds the same (immutable) list, and formatting every float twice is the ledger's biggest cost.
  private static final ThreadLocal<Object[]> LAST_INPUTS = new ThreadLocal<>();

  /**
   * The canonical JSON of a prediction's inputs; built once when the digest and entry share a list.
   */
  static String inputsJson(List<Tensor> inputs) {
    Object[] last = LAST_INPUTS.get();
    if (last != null && last[0] == inputs) {
      return (String) last[1];
    }
    String json = tensorsJson(inputs);
    LAST_INPUTS.set(new Object[] {inputs, json});
    return json;
  }

  static String tensorsJson(List<Tensor> tensors) {
    StringBuilder sb = new StringBuilder(64 + tensors.size() * 256);
    tensors(tensors, sb);
    return sb.toString();
  }

  private static void prediction(PredictionEntry p, StringBuilder sb) {
    sb.append("{\"bundle_sha256\":\"").append(p.bundleSha256());
    sb.append("\",\"device_id\":");
    CanonicalJson.appendString(sb, p.deviceId());
    sb.append(",\"flags\":[");
    for (int i = 0; i < p.flags().size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      CanonicalJson.appendString(sb, p.flags().get(i));
    }
    sb.append("],\"input_digest\":\"").append(p.inputDigest()).append('"');
    if (p.inputStored()) {
      sb.append(",\"inputs\":");
      sb.append(inputsJson(p.inputs()));
    }
    sb.append(",\"latency_us\":").append(p.latencyMicros());
    sb.append(",\"model_id\":");
    CanonicalJson.appendString(sb, p.modelId());
    sb.append(",\"model_version\":");
    CanonicalJson.appendString(sb, p.modelVersion());
    sb.append(",\"outputs\":");
    tensors(p.outputs(), sb);
    sb.append(",\"request_id\":");
    CanonicalJson.appendString(sb, p.requestId());
    sb.append(",\"safety_state\":");
    CanonicalJson.appendString(sb, p.safetyState());
    sb.append('}');
  }

  private static void tensors(List<Tensor> tensors, StringBuilder sb) {
    sb.append('[');
    for (int t = 0; t < tensors.size(); t++) {
      Tensor tensor = tensors.get(t);
      if (t > 0) {
        sb.append(',');
      }
      sb.append("{\"name\":");
      CanonicalJson.appendString(sb, tensor.name());
      sb.append(",\"shape\":[");
      long[] shape = tensor.shapeUnsafe();
      for (int i = 0; i < shape.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(shape[i]);
      }
      sb.append("],\"values\":[");
      float[] values = tensor.valuesUnsafe();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        float v = values[i];
        if (Float.isNaN(v)) {
          sb.append("null");
        } else if (Float.isInfinite(v)) {
          sb.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
          Decimals.appendJson(sb, v);
        }
      }
      sb.append("]}");
    }
    sb.append(']');
  }

  private static byte[] utf8(StringBuilder sb) {
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads canonical entry bytes back; the caller checks they were canonical by encoding the result
   * again and comparing.
   */
  static StoredEntry decode(byte[] canonical) {
    return decode(CanonicalJson.parse(canonical));
  }

  /** Reads back the bytes stored for entry {@code seq}; bytes that are not an entry are damage. */
  static StoredEntry decodeStored(long seq, byte[] canonical) {
    try {
      return decode(canonical);
    } catch (RuntimeException e) {
      throw new AuditException(
          AuditException.Code.CORRUPT,
          "the stored bytes of entry "
              + seq
              + " are not a valid entry: "
              + e.getMessage()
              + "; run verify",
          e);
    }
  }

  static StoredEntry decode(JsonNode root) {
    if (!root.isObject() || root.size() != 4) {
      throw new IllegalArgumentException("an entry is an object with four keys");
    }
    if (root.path("v").asInt(-1) != VERSION) {
      throw new IllegalArgumentException("entry format version is not " + VERSION);
    }
    long seq = integer(root, "seq");
    Instant time = Instant.parse(text(root, "time"));
    Entry entry;
    if (root.has(PREDICTION)) {
      entry = prediction(root.get(PREDICTION));
    } else if (root.has(EVENT)) {
      JsonNode e = root.get(EVENT);
      JsonNode details = e.get("details");
      if (details == null || !details.isObject()) {
        throw new IllegalArgumentException("event has no details object");
      }
      entry = new EventEntry(text(e, "type"), text(e, "actor"), CanonicalJson.write(details));
    } else {
      throw new IllegalArgumentException("entry is neither a prediction nor an event");
    }
    return new StoredEntry(seq, time, entry);
  }

  private static PredictionEntry prediction(JsonNode p) {
    List<String> flags = new ArrayList<>();
    for (JsonNode flag : array(p, "flags")) {
      if (!flag.isTextual()) {
        throw new IllegalArgumentException("a flag is not a string");
      }
      flags.add(flag.textValue());
    }
    return new PredictionEntry(
        text(p, "request_id"),
        text(p, "device_id"),
        text(p, "model_id"),
        text(p, "model_version"),
        text(p, "bundle_sha256"),
        text(p, "input_digest"),
        p.has("inputs") ? tensors(array(p, "inputs")) : List.of(),
        tensors(array(p, "outputs")),
        integer(p, "latency_us"),
        text(p, "safety_state"),
        flags);
  }

  private static List<Tensor> tensors(JsonNode array) {
    List<Tensor> tensors = new ArrayList<>(array.size());
    for (JsonNode t : array) {
      JsonNode shapeNode = array(t, "shape");
      long[] shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).longValue();
      }
      JsonNode valuesNode = array(t, "values");
      float[] values = new float[valuesNode.size()];
      Iterator<JsonNode> it = valuesNode.elements();
      for (int i = 0; i < values.length; i++) {
        values[i] = floatValue(it.next());
      }
      tensors.add(new Tensor(text(t, "name"), shape, values));
    }
    return tensors;
  }

  private static float floatValue(JsonNode v) {
    if (v.isNull()) {
      return Float.NaN;
    }
    if (v.isTextual()) {
      return switch (v.textValue()) {
        case "Infinity" -> Float.POSITIVE_INFINITY;
        case "-Infinity" -> Float.NEGATIVE_INFINITY;
        default -> throw new IllegalArgumentException("not a tensor value: " + v);
      };
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException("not a tensor value: " + v);
    }
    // Through the decimal text: narrowing a double to float could round twice.
    return Float.parseFloat(v.isBigDecimal() ? v.decimalValue().toString() : v.asText());
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("no string " + field);
    }
    return v.textValue();
  }

  private static long integer(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("no integer " + field);
    }
    return v.longValue();
  }

  private static JsonNode array(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException("no array " + field);
    }
    return v;
  }
}
