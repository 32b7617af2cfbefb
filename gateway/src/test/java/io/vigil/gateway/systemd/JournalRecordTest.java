package io.vigil.gateway.systemd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JournalRecordTest {

  @Test
  void encodesASingleLineValueAsKeyEqualsValue() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("MESSAGE", "vigil: ready, é");
    fields.put("PRIORITY", "6");

    byte[] datagram = JournalRecord.encode(fields);

    assertArrayEquals(
        "MESSAGE=vigil: ready, é\nPRIORITY=6\n".getBytes(StandardCharsets.UTF_8), datagram);
  }

  @Test
  void encodesAMultiLineValueInTheBinaryFormWithItsLittleEndianLength() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("VIGIL_EXCEPTION", "java.lang.IllegalStateException: x\n\tat a.b(C.java:1)");
    fields.put("PRIORITY", "3");

    byte[] datagram = JournalRecord.encode(fields);

    int length = "java.lang.IllegalStateException: x\n\tat a.b(C.java:1)".length();
    assertEquals('\n', datagram["VIGIL_EXCEPTION".length()]);
    assertEquals(length, datagram["VIGIL_EXCEPTION".length() + 1]);
    assertEquals(0, datagram["VIGIL_EXCEPTION".length() + 8]);
    assertEquals(fields, JournalDecoder.decode(datagram));
  }

  @Test
  void decodesAValueThatHoldsAnEqualsSignAndAnEmptyValue() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("MESSAGE", "a=b");
    fields.put("VIGIL_MODEL", "");

    assertEquals(fields, JournalDecoder.decode(JournalRecord.encode(fields)));
  }
}
