package io.vigil.sync.link;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The link's PEM files: the CA that signed the broker's certificate, the gateway's certificate
 * (chain) and its private key (PKCS#8 or the older OpenSSL formats, unencrypted).
 */
public record TlsFiles(Path caPem, Path certificatePem, Path keyPem) {

  public TlsFiles {
    Objects.requireNonNull(caPem, "caPem");
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(keyPem, "keyPem");
  }
}
