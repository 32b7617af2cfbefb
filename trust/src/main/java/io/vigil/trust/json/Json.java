package io.vigil.trust.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON parser of the trust module: strict, so that two parsers can never read one signed
 * document differently (a duplicate key, trailing data or a comment is refused).
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS.mappedFeature())
          .disable(JsonParser.Feature.ALLOW_COMMENTS)
          // Canonical JSON escapes only '"' and '\\': what it signs may hold raw newlines (a
          // checkpoint note in a summary), and a raw control character has one reading only.
          .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS.mappedFeature())
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private Json() {}

  /** Parses {@code bytes}; throws {@link IllegalArgumentException} naming what is wrong. */
  public static JsonNode parse(byte[] bytes) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("empty document");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException(firstLine(e.getMessage()), e);
    }
  }

  /** A new empty object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code node} as indented UTF-8 JSON with a final newline, for files people read. */
  public static byte[] pretty(JsonNode node) {
    try {
      byte[] body = MAPPER.writeValueAsBytes(node);
      byte[] out = new byte[body.length + 1];
      System.arraycopy(body, 0, out, 0, body.length);
      out[body.length] = '\n';
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
