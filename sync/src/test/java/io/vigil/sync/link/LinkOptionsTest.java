package io.vigil.sync.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkOptionsTest {

  private static final TlsFiles FILES =
      new TlsFiles(Path.of("ca.pem"), Path.of("gateway.pem"), Path.of("gateway.key"));

  @Test
  void defaultsToADaysSessionAndOneSecondBackoffCappedAtAMinute() {
    LinkOptions options =
        LinkOptions.tls("ssl://broker:8883", "gw-1", "vigil/v1/f/gw-1/status", FILES);
    assertEquals(Duration.ofDays(1), options.sessionExpiry());
    assertEquals(Duration.ofSeconds(1), options.reconnectBase());
    assertEquals(Duration.ofSeconds(60), options.reconnectCap());
  }

  @Test
  void rejectsAnSslUriWithoutTlsFilesAndTlsFilesOnPlainTcp() {
    IllegalArgumentException noFiles =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinkOptions.plain("ssl://broker:8883", "gw-1", "status"));
    assertEquals("serverUri ssl://broker:8883 needs TLS files", noFiles.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> LinkOptions.tls("tcp://broker:1883", "gw-1", "status", FILES));
    assertThrows(
        IllegalArgumentException.class, () -> LinkOptions.plain("http://broker", "gw-1", "status"));
  }

  @Test
  void rejectsAWildcardStatusTopicAndACapBelowTheBase() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LinkOptions.plain("tcp://b:1883", "gw-1", "a/+/status"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LinkOptions.plain("tcp://b:1883", "gw-1", "status")
                .withReconnect(Duration.ofSeconds(5), Duration.ofSeconds(1)));
  }

  @Test
  void refusesUnreadableTlsFilesWithACode(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("ca.pem"), "not PEM");
    TlsFiles files =
        new TlsFiles(dir.resolve("ca.pem"), dir.resolve("missing.pem"), dir.resolve("missing.key"));
    LinkException e = assertThrows(LinkException.class, () -> PemTls.socketFactory(files));
    assertEquals(LinkException.Code.TLS_FILES, e.code());
  }
}
