package io.vigil.sync.testing;

import io.vigil.sync.link.TlsFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for the link's TLS tests: a CA, the broker's certificates (good, expired,
 * self-signed, for another host, from another CA) and the gateway's (trusted, from another CA), as
 * PEM files and as the JKS stores a Java broker reads.
 */
public final class TestPki {

  /** The password of every key store written here. */
  public static final String STORE_PASSWORD = "changeit";

  /** A certificate the broker can present; each fails the client's checks in its own way. */
  public enum Server {
    /** Signed by the CA, SAN {@code DNS:localhost, IP:127.0.0.1}. */
    GOOD,
    /** Signed by the CA, expired yesterday. */
    EXPIRED,
    /** Signed by itself. */
    SELF_SIGNED,
    /** Signed by the CA for {@code elsewhere.example} only. */
    WRONG_HOST,
    /** Signed by another CA. */
    WRONG_CA
  }

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** Writes a new PKI into the directory. */
  public static TestPki create(Path dir) {
    try {
      Files.createDirectories(dir);
      TestPki pki = new TestPki(dir);
      pki.write();
      return pki;
    } catch (GeneralSecurityException
        | IOException
        | org.bouncycastle.operator.OperatorException e) {
      throw new IllegalStateException("test PKI not written", e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  public Path wrongCaPem() {
    return dir.resolve("wrong-ca.pem");
  }

  public Path serverPem(Server server) {
    return dir.resolve("server-" + name(server) + ".pem");
  }

  public Path serverKey(Server server) {
    return dir.resolve("server-" + name(server) + ".key");
  }

  /** The JKS key store with the server's key and certificate. */
  public Path serverKeyStore(Server server) {
    return dir.resolve("server-" + name(server) + ".jks");
  }

  /** The JKS trust store with the CA, for a broker that checks client certificates. */
  public Path trustStore() {
    return dir.resolve("truststore.jks");
  }

  /** The gateway's files: certificate signed by the CA, key in PKCS#8 ("BEGIN PRIVATE KEY"). */
  public TlsFiles client() {
    return new TlsFiles(caPem(), dir.resolve("client.pem"), dir.resolve("client.key"));
  }

  /** An RSA client certificate with its key in the older format ("BEGIN RSA PRIVATE KEY"). */
  public TlsFiles clientWithLegacyKey() {
    return new TlsFiles(caPem(), dir.resolve("client-rsa.pem"), dir.resolve("client-rsa.key"));
  }

  /** A client certificate from another CA, which the broker does not trust. */
  public TlsFiles strangerClient() {
    return new TlsFiles(caPem(), dir.resolve("stranger.pem"), dir.resolve("stranger.key"));
  }

  /** The gateway's certificate with the wrong CA as its trust anchor. */
  public TlsFiles clientTrustingWrongCa() {
    return new TlsFiles(wrongCaPem(), dir.resolve("client.pem"), dir.resolve("client.key"));
  }

  private static String name(Server server) {
    return server.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private void write()
      throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorException {
    Instant now = Instant.now();
    Duration year = Duration.ofDays(365);
    KeyPair caKeys = keys();
    X509Certificate ca = ca("Vigil Test CA", caKeys, now, year);
    KeyPair wrongCaKeys = keys();
    X509Certificate wrongCa = ca("Someone Else's CA", wrongCaKeys, now, year);
    writePem(caPem(), ca);
    writePem(wrongCaPem(), wrongCa);

    List<GeneralName> local =
        List.of(
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    for (Server server : Server.values()) {
      KeyPair keys = keys();
      X509Certificate certificate =
          switch (server) {
            case GOOD -> leaf("localhost", keys, ca, caKeys, now.minusSeconds(60), year, local);
            case EXPIRED ->
                leaf(
                    "localhost",
                    keys,
                    ca,
                    caKeys,
                    now.minus(Duration.ofDays(30)),
                    Duration.ofDays(29),
                    local);
            case SELF_SIGNED -> leaf("localhost", keys, null, keys, now, year, local);
            case WRONG_HOST ->
                leaf(
                    "elsewhere.example",
                    keys,
                    ca,
                    caKeys,
                    now,
                    year,
                    List.of(new GeneralName(GeneralName.dNSName, "elsewhere.example")));
            case WRONG_CA -> leaf("localhost", keys, wrongCa, wrongCaKeys, now, year, local);
          };
      writePem(serverPem(server), certificate);
      writePem(serverKey(server), new JcaPKCS8Generator(keys.getPrivate(), null));
      KeyStore store = KeyStore.getInstance("JKS");
      store.load(null, null);
      store.setKeyEntry(
          "server",
          keys.getPrivate(),
          STORE_PASSWORD.toCharArray(),
          new Certificate[] {certificate});
      save(store, serverKeyStore(server));
    }
    KeyStore trust = KeyStore.getInstance("JKS");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    save(trust, trustStore());

    KeyPair clientKeys = keys();
    writePem(
        dir.resolve("client.pem"),
        leaf("gateway-1", clientKeys, ca, caKeys, now.minusSeconds(60), year, List.of()));
    writePem(dir.resolve("client.key"), new JcaPKCS8Generator(clientKeys.getPrivate(), null));
    // OpenSSL 1.x's "genrsa": PKCS#1, "BEGIN RSA PRIVATE KEY", which Bouncy Castle writes the same.
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair rsaKeys = rsa.generateKeyPair();
    writePem(
        dir.resolve("client-rsa.pem"),
        leaf("gateway-1", rsaKeys, ca, caKeys, now.minusSeconds(60), year, List.of()));
    writePem(dir.resolve("client-rsa.key"), rsaKeys.getPrivate());
    KeyPair strangerKeys = keys();
    writePem(
        dir.resolve("stranger.pem"),
        leaf("gateway-1", strangerKeys, wrongCa, wrongCaKeys, now, year, List.of()));
    writePem(dir.resolve("stranger.key"), new JcaPKCS8Generator(strangerKeys.getPrivate(), null));
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate ca(String name, KeyPair keys, Instant now, Duration validity)
      throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorException {
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plus(validity)),
            subject,
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return sign(builder, keys);
  }

  /** A leaf certificate; without an issuer it signs itself. */
  private static X509Certificate leaf(
      String commonName,
      KeyPair keys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Instant notBefore,
      Duration validity,
      List<GeneralName> names)
      throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorException {
    X500Name subject = new X500Name("CN=" + commonName);
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notBefore.plus(validity)),
            subject,
            keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    if (!names.isEmpty()) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
    }
    return sign(builder, issuerKeys);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static void writePem(Path file, Object object) throws IOException {
    if (object instanceof JcaPKCS8Generator generator) {
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
          JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(generator.generate());
      }
      return;
    }
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
  }

  private static void save(KeyStore store, Path file) throws GeneralSecurityException, IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, STORE_PASSWORD.toCharArray());
    }
  }
}
