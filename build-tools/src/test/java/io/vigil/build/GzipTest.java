package io.vigil.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipTest {

  private static final byte[] TEXT =
      "vigil (0.1.0~snapshot) unstable; urgency=medium\n"
          .repeat(50)
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void writesWhatGunzipReadsBack() throws IOException {
    byte[] gz = Gzip.gzip(TEXT);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertArrayEquals(TEXT, in.readAllBytes());
    }
  }

  @Test
  void marksBestCompressionAndCarriesNoTimestamp() {
    byte[] gz = Gzip.gzip(TEXT);
    assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7], "modification time");
    assertEquals(2, gz[8], "XFL: best compression, which lintian checks");
    assertEquals(0, gz[3], "no file name or other optional field");
  }
}
