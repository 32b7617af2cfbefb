package io.vigil.gateway.systemd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a datagram of the journal's native protocol back into fields, as journald does. */
final class JournalDecoder {

  private JournalDecoder() {}

  static Map<String, String> decode(byte[] datagram) {
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < datagram.length) {
      int j = i;
      while (datagram[j] != '=' && datagram[j] != '\n') {
        j++;
      }
      String name = new String(datagram, i, j - i, StandardCharsets.US_ASCII);
      if (datagram[j] == '=') {
        int end = j + 1;
        while (datagram[end] != '\n') {
          end++;
        }
        fields.put(name, new String(datagram, j + 1, end - j - 1, StandardCharsets.UTF_8));
        i = end + 1;
      } else {
        long length =
            ByteBuffer.wrap(datagram, j + 1, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int start = j + 1 + Long.BYTES;
        fields.put(name, new String(datagram, start, (int) length, StandardCharsets.UTF_8));
        int after = start + (int) length;
        if (datagram[after] != '\n') {
          throw new IllegalArgumentException(name + ": its binary value does not end with \\n");
        }
        i = after + 1;
      }
    }
    return fields;
  }
}
