package io.vigil.trust.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict parser: one reading of a signed document, whoever reads it. */
class JsonTest {

  @Test
  void refusesADuplicateKeyAtAnyDepth() {
    byte[] json = "{\"signed\": {\"version\": 1, \"version\": 2}}".getBytes(UTF_8);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse(json));

    assertTrue(e.getMessage().contains("Duplicate field 'version'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{} {}",
        "{\"a\": 1} x",
        "{\"a\": 1 /* comment */}",
        "// comment\n{}",
        "{'a': 1}",
        "{\"a\": NaN}",
        "{\"a\": 01}"
      })
  void refusesWhatIsNotExactlyOneJsonDocument(String text) {
    assertThrows(IllegalArgumentException.class, () -> Json.parse(text.getBytes(UTF_8)));
  }

  @Test
  void readsIntegersExactly() {
    byte[] json = "{\"n\": 123456789012345678901234567890}".getBytes(UTF_8);

    BigInteger n = Json.parse(json).get("n").bigIntegerValue();

    assertEquals(new BigInteger("123456789012345678901234567890"), n);
  }

  @Test
  void writesPrettyJsonWithAFinalNewline() {
    byte[] pretty = Json.pretty(Json.object().put("a", 1));

    assertEquals('\n', pretty[pretty.length - 1]);
    assertEquals(1, Json.parse(pretty).get("a").intValue());
  }
}
