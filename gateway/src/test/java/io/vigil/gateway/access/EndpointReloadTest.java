package io.vigil.gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading the access files again while the gateway runs: a file that cannot be used is refused
 * once, with an error that names it, the last good one stays in force, and it is read again as soon
 * as it changes; the reload, every 2 s, does not say the same thing again and again.
 */
class EndpointReloadTest {

  @TempDir Path dataDir;
  @TempDir Path pkiDir;
  private final List<LogRecord> errors = new ArrayList<>();
  private final Logger logger = Logger.getLogger(Endpoint.class.getName());
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            synchronized (errors) {
              errors.add(r);
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(handler);
  }

  @Test
  void anUnusableRevocationListIsRefusedOnceAndTheLastGoodOneStaysInForce() throws Exception {
    // given a devices' endpoint over TLS whose revocation list revokes one client
    Pki pki = new Pki(pkiDir);
    TlsConfig tls =
        new TlsConfig("server.tls", pki.serverPem(), pki.serverKey(), pki.caPem(), pki.crl());
    Endpoint endpoint = Endpoint.devices(dataDir, tls, List.of(), "X-Device-Id");
    ServerTls before = endpoint.tls().orElseThrow();

    // when the revocation list is overwritten by something that is not one, and read five times
    Files.writeString(pki.crl(), "not a revocation list");
    touch(pki.crl());
    for (int i = 0; i < 5; i++) {
      assertEquals(Optional.empty(), endpoint.refresh());
    }

    // then it was refused once, naming the file, and the list read before stays in force
    assertEquals(1, errors.size(), String.valueOf(errors));
    assertTrue(
        errors.get(0).getMessage().contains(pki.crl().toString()), errors.get(0).getMessage());
    assertTrue(endpoint.tls().orElseThrow() == before);

    // and when a good list is written again, it is read at once
    pki.revoke(Pki.Client.SECOND);
    touch(pki.crl());
    assertTrue(endpoint.refresh().isPresent());
    assertFalse(endpoint.tls().orElseThrow() == before);
    assertEquals(1, errors.size());
  }

  @Test
  void aMalformedDevicesFileIsRefusedOnceAndTheDevicesReadBeforeStayKnown() throws Exception {
    // given a device with a token
    Credentials devices = Credentials.open(dataDir, Credentials.Kind.DEVICES);
    String token = devices.addToken("pump-1", Optional.empty());
    Credentials reader = Credentials.open(dataDir, Credentials.Kind.DEVICES);
    assertTrue(reader.byToken(token).isPresent());

    // when its file is broken and read again
    Files.writeString(devices.file(), "{\"devices\": [");
    touch(devices.file());
    RuntimeException refused = assertThrows(RuntimeException.class, reader::refresh);

    // then it is refused once, naming the file; the device stays known; the next reads are quiet
    assertTrue(refused.getMessage().contains(devices.file().toString()), refused.getMessage());
    assertFalse(reader.refresh());
    assertFalse(reader.refresh());
    assertTrue(reader.byToken(token).isPresent());

    // and a good file is read at once
    Files.delete(devices.file());
    String second =
        Credentials.open(dataDir, Credentials.Kind.DEVICES).addToken("pump-2", Optional.empty());
    touch(devices.file());
    assertTrue(reader.refresh());
    assertTrue(reader.byToken(second).isPresent());
    assertFalse(reader.byToken(token).isPresent());
  }

  /** Moves the file's time on, so that a change within the file system's clock tick is seen. */
  private void touch(Path file) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(++touched)));
  }

  private long touched;
}
