package io.vigil.inference.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;

/**
 * Writes the JSON files of a bundle (manifest, reference profile, evidence) so that equal trees are
 * equal bytes on every platform: UTF-8, two-space indents, LF line ends and a final LF, keys in the
 * order they were put, decimals without an exponent.
 */
public final class BundleJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");
  private static final ObjectWriter OBJECTS_INDENTED =
      MAPPER.writer(new DefaultPrettyPrinter().withObjectIndenter(INDENT));
  private static final ObjectWriter ALL_INDENTED =
      MAPPER.writer(
          new DefaultPrettyPrinter().withObjectIndenter(INDENT).withArrayIndenter(INDENT));

  private BundleJson() {}

  /** A tree with its objects indented and its arrays on one line: manifests and profiles. */
  public static byte[] write(JsonNode root) {
    return write(OBJECTS_INDENTED, root);
  }

  /** A tree with its arrays indented too, one element a line: evidence for people to read. */
  public static byte[] writeArraysIndented(JsonNode root) {
    return write(ALL_INDENTED, root);
  }

  private static byte[] write(ObjectWriter writer, JsonNode root) {
    try {
      return (writer.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values cannot fail to write", e);
    }
  }
}
