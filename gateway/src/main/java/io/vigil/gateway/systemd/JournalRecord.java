package io.vigil.gateway.systemd;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The journal's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL): one datagram per record,
 * {@code KEY=value\n} per field, and {@code KEY\n}, the value's length as a little-endian 64-bit
 * integer, the value and {@code \n} for a value that holds a newline.
 */
final class JournalRecord {

  private JournalRecord() {}

  /** The datagram of one record's fields, in their order. */
  static byte[] encode(Map<String, String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    fields.forEach(
        (name, value) -> {
          byte[] key = name.getBytes(StandardCharsets.US_ASCII);
          byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
          out.writeBytes(key);
          if (value.indexOf('\n') < 0) {
            out.write('=');
            out.writeBytes(bytes);
          } else {
            out.write('\n');
            out.writeBytes(
                ByteBuffer.allocate(Long.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(bytes.length)
                    .array());
            out.writeBytes(bytes);
          }
          out.write('\n');
        });
    return out.toByteArray();
  }
}
