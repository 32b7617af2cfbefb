package io.vigil.trust.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OLPC canonical JSON as securesystemslib's {@code encode_canonical} writes it. */
class CanonicalJsonTest {

  @Test
  void sortsKeysByCodePointNotByUtf16Unit() {
    ObjectNode node = Json.object();
    node.put("b", 1).put("a", 2).put("B", 3).put("é", 4).put("😀", 5).put("｡", 6);

    String canonical = canonical(node);

    // Python's sorted(): U+FF61 before U+1F600, which String.compareTo would put the other way.
    assertEquals("{\"B\":3,\"a\":2,\"b\":1,\"é\":4,\"｡\":6,\"😀\":5}", canonical);
  }

  @Test
  void putsAKeyBeforeTheKeysItIsAPrefixOf() {
    ObjectNode node = Json.object().put("ab", 1).put("a", 2).put("a0", 3);

    assertEquals("{\"a\":2,\"a0\":3,\"ab\":1}", canonical(node));
  }

  @Test
  void writesNestedObjectsAndArraysWithoutWhitespace() {
    byte[] json =
        "{ \"z\" : false, \"a\" : [ 1, { \"c\" : null, \"b\" : true } ], \"m\" : {} }"
            .getBytes(UTF_8);

    String canonical = new String(CanonicalJson.bytes(Json.parse(json)), UTF_8);

    assertEquals("{\"a\":[1,{\"b\":true,\"c\":null}],\"m\":{},\"z\":false}", canonical);
  }

  @Test
  void escapesOnlyTheQuoteAndTheBackslash() {
    ObjectNode node = Json.object().put("s", "\"q\" \\ /\n\t\u0001\u007f");

    byte[] canonical = CanonicalJson.bytes(node);

    assertArrayEquals("{\"s\":\"\\\"q\\\" \\\\ /\n\t\u0001\u007f\"}".getBytes(UTF_8), canonical);
  }

  @Test
  void writesUnicodeAsItsUtf8Bytes() {
    ObjectNode node = Json.object().put("name", "Größe 日本 😀");

    byte[] canonical = CanonicalJson.bytes(node);

    assertArrayEquals("{\"name\":\"Größe 日本 😀\"}".getBytes(UTF_8), canonical);
    assertTrue(new String(canonical, UTF_8).indexOf("\\u") < 0);
  }

  @Test
  void keepsIntegersExactlyHoweverLarge() {
    byte[] json = "[123456789012345678901234567890, -5, 0, -0]".getBytes(UTF_8);

    String canonical = new String(CanonicalJson.bytes(Json.parse(json)), UTF_8);

    assertEquals("[123456789012345678901234567890,-5,0,0]", canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "1e3", "1.0", "-0.0"})
  void refusesFloatingPointNumbers(String number) {
    var node = Json.parse(("{\"n\": " + number + "}").getBytes(UTF_8));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.bytes(node));

    assertTrue(e.getMessage().contains("no floating-point numbers"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\\ud800\"", "\"\\udc00x\"", "\"x\\ud83d\"", "\"\\ude00\\ud83d\""})
  void refusesAStringWithAnUnpairedSurrogate(String string) {
    var node = Json.parse(("{\"s\": " + string + "}").getBytes(UTF_8));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.bytes(node));

    assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
  }

  @Test
  void writesAnEscapedSurrogatePairAsTheCharacterItEncodes() {
    var node = Json.parse("{\"s\": \"\\ud83d\\ude00\"}".getBytes(UTF_8));

    byte[] canonical = CanonicalJson.bytes(node);

    assertArrayEquals("{\"s\":\"😀\"}".getBytes(UTF_8), canonical);
  }

  private static String canonical(ObjectNode node) {
    return new String(CanonicalJson.bytes(node), UTF_8);
  }
}
