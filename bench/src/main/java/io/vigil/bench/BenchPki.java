package io.vigil.bench;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway hospital CA and a server certificate for 127.0.0.1 and localhost, made for one run
 * (ECDSA P-256, as a hospital's devices would most likely get), so that a comparison can put the
 * hosted gateways on TLS: {@code ca.pem}, {@code server.pem} and {@code server.key} in one folder.
 */
final class BenchPki {

  static final String CA_CERT = "ca.pem";
  static final String SERVER_CERT = "server.pem";
  static final String SERVER_KEY = "server.key";

  /** No certificates: plain HTTP. */
  static final BenchPki NONE = new BenchPki(Path.of(""));

  private static final Duration VALIDITY = Duration.ofDays(2);

  private final Path dir;

  private BenchPki(Path dir) {
    this.dir = dir;
  }

  /** Makes the CA and the server certificate in {@code dir}, created if missing. */
  static BenchPki create(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Instant now = Instant.now();
      KeyPair caKeys = keys();
      X500Name caName = new X500Name("CN=Vigil Bench Hospital CA (throwaway)");
      JcaX509v3CertificateBuilder ca = builder(caName, caName, caKeys, now, BigInteger.ONE);
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      ca.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      pem(dir.resolve(CA_CERT), sign(ca, caKeys));

      KeyPair serverKeys = keys();
      JcaX509v3CertificateBuilder server =
          builder(new X500Name("CN=localhost"), caName, serverKeys, now, BigInteger.TWO);
      server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      server.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      server.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
      pem(dir.resolve(SERVER_CERT), sign(server, caKeys));
      pem(dir.resolve(SERVER_KEY), new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the run's certificates: " + e, e);
    }
    return new BenchPki(dir);
  }

  /** The folder of the three files. */
  Path dir() {
    return dir;
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name subject, X500Name issuer, KeyPair keys, Instant now, BigInteger serial) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        serial,
        Date.from(now.minusSeconds(3600)),
        Date.from(now.plus(VALIDITY)),
        subject,
        keys.getPublic());
  }

  private static X509CertificateHolder sign(JcaX509v3CertificateBuilder b, KeyPair issuerKeys)
      throws OperatorCreationException {
    return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
  }

  private static void pem(Path file, Object o) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
  }
}
