package io.vigil.trust.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * OLPC canonical JSON, the form TUF signs: keys sorted by code point, no whitespace, only {@code "}
 * and {@code \} escaped, integers only (securesystemslib's {@code encode_canonical}).
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  /**
   * The canonical UTF-8 bytes of {@code node}; a floating-point number and a string with an
   * unpaired surrogate are refused.
   */
  public static byte[] bytes(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(node, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonNode node, StringBuilder sb) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(CanonicalJson::compareCodePoints);
        sb.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          string(names.get(i), sb);
          sb.append(':');
          write(node.get(names.get(i)), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        Iterator<JsonNode> it = node.elements();
        boolean first = true;
        while (it.hasNext()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          write(it.next(), sb);
        }
        sb.append(']');
      }
      case STRING -> string(node.textValue(), sb);
      case NUMBER -> {
        if (!node.isIntegralNumber()) {
          throw new IllegalArgumentException(
              "canonical JSON has no floating-point numbers: " + node);
        }
        sb.append(node.bigIntegerValue().toString());
      }
      case BOOLEAN -> sb.append(node.booleanValue());
      case NULL -> sb.append("null");
      default -> throw new IllegalArgumentException("not JSON: " + node.getNodeType());
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          sb.append(c).append(s.charAt(++i));
          continue;
        }
        // UTF-8 has no encoding for it: String.getBytes would write '?', so that a signature
        // over "?" would also verify "\ud800" (Python refuses to encode it too).
        throw new IllegalArgumentException(
            String.format(
                "canonical JSON cannot encode an unpaired surrogate (U+%04X) in a string",
                (int) c));
      }
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    sb.append('"');
  }

  // Python sorts str by code point; String.compareTo sorts by UTF-16 unit, which differs above
  // U+FFFF.
  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
