package io.vigil.bench;

import io.vigil.gateway.access.Pki;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The run's throwaway hospital CA and server certificate for 127.0.0.1 and localhost, so that a
 * comparison can put the hosted gateways on TLS: the gateway tests' {@link Pki}, made for one run
 * in one folder ({@code ca.pem}, {@code server.pem} and {@code server.key} among its files), or
 * {@link #NONE} for plain HTTP.
 */
final class BenchPki {

  static final String CA_CERT = "ca.pem";
  static final String SERVER_CERT = "server.pem";
  static final String SERVER_KEY = "server.key";

  /** No certificates: plain HTTP. */
  static final BenchPki NONE = new BenchPki(Path.of(""));

  private final Path dir;

  private BenchPki(Path dir) {
    this.dir = dir;
  }

  /** Makes the CA and the certificates in {@code dir}, created if missing. */
  static BenchPki create(Path dir) throws IOException {
    Pki pki;
    try {
      pki = new Pki(dir);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the run's certificates: " + e, e);
    }
    if (!pki.serverPem().equals(dir.resolve(SERVER_CERT))
        || !pki.serverKey().equals(dir.resolve(SERVER_KEY))
        || !pki.caPem().equals(dir.resolve(CA_CERT))) {
      throw new IllegalStateException("the test PKI no longer writes the files the bench names");
    }
    return new BenchPki(dir);
  }

  /** The folder of the files. */
  Path dir() {
    return dir;
  }
}
