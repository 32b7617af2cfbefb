package io.vigil.gateway.access;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.TlsConfig;
import io.vigil.trust.key.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A server's TLS, read from its PEM files ({@link TlsConfig}) and checked before the server
 * listens, so that a wrong file stops start-up with a message naming it: the certificate chain and
 * its key (any form OpenSSL writes, read with Bouncy Castle), the client CA whose certificates are
 * asked for (optional ones, so that a device with a token still connects; a certificate that is
 * presented must chain to the CA, be within its validity and be meant for TLS clients), and the
 * CA's revocation list, whose signature must be the CA's. TLS 1.2 and 1.3 only.
 *
 * <p>{@link #changed} tells whether any file changed since it was read, so that the server can read
 * them again and apply them to new connections without a restart.
 */
public final class ServerTls {

  private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private final TlsConfig config;
  private final ServerSSLOptions options;
  private final Optional<X509CRL> crl;
  private final List<X509Certificate> chain;
  private final List<String> stamps;

  private ServerTls(
      TlsConfig config,
      ServerSSLOptions options,
      Optional<X509CRL> crl,
      List<X509Certificate> chain,
      List<String> stamps) {
    this.config = config;
    this.options = options;
    this.crl = crl;
    this.chain = chain;
    this.stamps = stamps;
  }

  /**
   * Reads and checks the files of {@code config}; throws {@link GatewayException} ({@code
   * CONFIG_INVALID}) naming the key and the file that cannot be used.
   */
  public static ServerTls read(TlsConfig config) {
    List<String> stamps = stamps(config);
    String section = config.section() + ".tls.";
    List<X509Certificate> chain = certificates(config.certFile(), section + "cert-file");
    PrivateKey key;
    try {
      key = PemFiles.privateKey(config.keyFile());
    } catch (IOException e) {
      throw invalid(section + "key-file", e.getMessage());
    }
    if (!key.getAlgorithm().equals(chain.get(0).getPublicKey().getAlgorithm())) {
      throw invalid(
          section + "key-file",
          config.keyFile()
              + " holds a "
              + key.getAlgorithm()
              + " key, but the certificate in "
              + config.certFile()
              + " is for a "
              + chain.get(0).getPublicKey().getAlgorithm()
              + " key: they do not belong together");
    }
    ServerSSLOptions ssl =
        new ServerSSLOptions()
            .setEnabledSecureTransportProtocols(PROTOCOLS)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setKeyValue(Buffer.buffer(pkcs8(key)))
                    .setCertValue(Buffer.buffer(pem(chain))));
    Optional<X509CRL> crl = Optional.empty();
    if (config.clientCertificates()) {
      List<X509Certificate> cas = certificates(config.clientCaFile(), section + "client-ca-file");
      ssl.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem(cas))))
          .setClientAuth(ClientAuth.REQUEST);
      if (config.revocation()) {
        X509CRL list = crl(config.crlFile(), section + "crl-file", cas);
        ssl.addCrlValue(Buffer.buffer(encoded(list)));
        crl = Optional.of(list);
      }
    }
    return new ServerTls(config, ssl, crl, chain, stamps);
  }

  /** Whether any of the files changed since they were read. */
  public boolean changed() {
    return !stamps(config).equals(stamps);
  }

  /** The options for a server's TLS, or for updating it ({@code HttpServer.updateSSLOptions}). */
  public ServerSSLOptions options() {
    return new ServerSSLOptions(options);
  }

  /** {@code base} listening with this TLS. */
  public HttpServerOptions applyTo(HttpServerOptions base) {
    ServerSSLOptions ssl = options();
    base.setSsl(true)
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
    if (ssl.getTrustOptions() != null) {
      base.setTrustOptions(ssl.getTrustOptions()).setClientAuth(ssl.getClientAuth());
    }
    ssl.getCrlValues().forEach(base::addCrlValue);
    return base;
  }

  /** Whether the revocation list read revokes {@code certificate}. */
  public boolean revoked(X509Certificate certificate) {
    return crl.map(c -> c.isRevoked(certificate)).orElse(false);
  }

  /** When the server's own certificate expires. */
  public Instant notAfter() {
    return chain.get(0).getNotAfter().toInstant();
  }

  /** When the revocation list should have been replaced by a newer one, if it says. */
  public Optional<Instant> crlNextUpdate() {
    return crl.flatMap(c -> Optional.ofNullable(c.getNextUpdate())).map(d -> d.toInstant());
  }

  /** Whether clients are asked for certificates. */
  public boolean clientCertificates() {
    return config.clientCertificates();
  }

  private static List<X509Certificate> certificates(Path file, String key) {
    try {
      return PemFiles.certificates(file);
    } catch (IOException e) {
      throw invalid(key, e.getMessage());
    }
  }

  private static X509CRL crl(Path file, String key, List<X509Certificate> cas) {
    List<CRL> crls;
    try (InputStream in = Files.newInputStream(file)) {
      crls = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCRLs(in));
    } catch (IOException | GeneralSecurityException e) {
      throw invalid(key, file + ": not a revocation list (PEM or DER): " + e.getMessage());
    }
    if (crls.size() != 1 || !(crls.get(0) instanceof X509CRL list)) {
      throw invalid(key, file + " holds " + crls.size() + " revocation lists; expected one");
    }
    for (X509Certificate ca : cas) {
      if (ca.getSubjectX500Principal().equals(list.getIssuerX500Principal())) {
        try {
          list.verify(ca.getPublicKey());
          return list;
        } catch (GeneralSecurityException e) {
          throw invalid(
              key,
              file
                  + " claims to be issued by "
                  + list.getIssuerX500Principal().getName()
                  + ", but that CA's signature does not verify: "
                  + e.getMessage());
        }
      }
    }
    throw invalid(
        key,
        file
            + " is issued by "
            + list.getIssuerX500Principal().getName()
            + ", which is not a CA of the client-ca-file");
  }

  /** The modification time and size of each file of {@code c}, to tell when one changed. */
  static List<String> stamps(TlsConfig c) {
    List<String> out = new ArrayList<>();
    for (Path p : List.of(c.certFile(), c.keyFile(), c.clientCaFile(), c.crlFile())) {
      if (p.toString().isEmpty()) {
        out.add("");
        continue;
      }
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(a.lastModifiedTime().toMillis() + "/" + a.size());
      } catch (IOException e) {
        out.add("missing");
      }
    }
    return out;
  }

  private static String pkcs8(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String pem(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certificates) {
      out.append("-----BEGIN CERTIFICATE-----\n")
          .append(
              Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encodedCertificate(c)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }

  private static byte[] encodedCertificate(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (java.security.cert.CRLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static GatewayException invalid(String key, String message) {
    return new GatewayException(GatewayException.Code.CONFIG_INVALID, key + ": " + message);
  }
}
