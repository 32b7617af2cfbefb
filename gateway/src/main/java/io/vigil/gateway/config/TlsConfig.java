package io.vigil.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A server's TLS files, the {@code tls} part of the {@code server} and {@code admin} sections: its
 * certificate chain and key, and the certificate authority whose client certificates it accepts,
 * with that authority's revocation list; all PEM (a revocation list may also be DER). An empty path
 * is none. The files are read again when they change, without a restart.
 *
 * @param section the section they belong to ({@code server} or {@code admin}), for messages
 * @param certFile the server's certificate, then its chain up to (not including) the root
 * @param keyFile the server certificate's private key (PKCS#8, PKCS#1 or SEC 1)
 * @param clientCaFile the authorities that issue client certificates (the hospital's CA); none
 *     means that no client certificate is asked for
 * @param crlFile the revocation list of that authority; none means none is checked
 */
public record TlsConfig(
    String section, Path certFile, Path keyFile, Path clientCaFile, Path crlFile) {

  private static final Path NONE = Path.of("");

  /**
   * Checks that the key comes with the certificate and that a client CA or a revocation list comes
   * with TLS; a bad combination throws {@code CONFIG_INVALID} naming the keys.
   */
  public TlsConfig {
    Objects.requireNonNull(section, "section");
    certFile(section).check(certFile);
    keyFile(section).check(keyFile);
    clientCaFile(section).check(clientCaFile);
    crlFile(section).check(crlFile);
    if (isSet(certFile) != isSet(keyFile)) {
      throw ConfigErrors.invalid(
          section
              + ".tls: cert-file and key-file go together (the server's certificate and its"
              + " private key); got "
              + (isSet(certFile)
                  ? "a cert-file without a key-file"
                  : "a key-file without a cert-file"));
    }
    if (!isSet(certFile) && (isSet(clientCaFile) || isSet(crlFile))) {
      throw ConfigErrors.invalid(
          section + ".tls: client-ca-file and crl-file need TLS: set cert-file and key-file too");
    }
    if (isSet(crlFile) && !isSet(clientCaFile)) {
      throw ConfigErrors.invalid(
          section
              + ".tls.crl-file: a revocation list needs the client-ca-file whose certificates it revokes");
    }
  }

  /** No TLS. */
  public static TlsConfig none(String section) {
    return new TlsConfig(section, NONE, NONE, NONE, NONE);
  }

  /** Whether the server speaks TLS. */
  public boolean enabled() {
    return isSet(certFile);
  }

  /** Whether clients may present certificates, checked against {@link #clientCaFile}. */
  public boolean clientCertificates() {
    return isSet(clientCaFile);
  }

  /** Whether a revocation list is checked. */
  public boolean revocation() {
    return isSet(crlFile);
  }

  /** These files with each relative path taken from {@code dir} (the configuration's folder). */
  public TlsConfig resolvedAgainst(Path dir) {
    return new TlsConfig(
        section,
        resolve(dir, certFile),
        resolve(dir, keyFile),
        resolve(dir, clientCaFile),
        resolve(dir, crlFile));
  }

  static Setting<Path> certFile(String section) {
    return Setting.pathOrNone(section + ".tls.cert-file");
  }

  static Setting<Path> keyFile(String section) {
    return Setting.pathOrNone(section + ".tls.key-file");
  }

  static Setting<Path> clientCaFile(String section) {
    return Setting.pathOrNone(section + ".tls.client-ca-file");
  }

  static Setting<Path> crlFile(String section) {
    return Setting.pathOrNone(section + ".tls.crl-file");
  }

  /** Reads the {@code tls} mapping of {@code section}. */
  static TlsConfig read(YamlSection in, String section) {
    Path cert = in.read(certFile(section), NONE);
    Path key = in.read(keyFile(section), NONE);
    Path ca = in.read(clientCaFile(section), NONE);
    Path crl = in.read(crlFile(section), NONE);
    in.rejectUnknownKeys();
    return new TlsConfig(section, cert, key, ca, crl);
  }

  private static boolean isSet(Path p) {
    return !p.toString().isEmpty();
  }

  private static Path resolve(Path dir, Path file) {
    return !isSet(file) || file.isAbsolute() ? file : dir.resolve(file);
  }
}
