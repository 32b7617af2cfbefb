package io.vigil.gateway.access;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A hospital's throwaway PKI for the device and operator TLS tests (and the benchmark's TLS runs):
 * its CA with a revocation list, the gateway's server certificate for localhost and 127.0.0.1, and
 * client certificates, good and each bad in its own way; ECDSA P-256, PEM files in one folder.
 */
public final class Pki {

  /** A client certificate; each but {@link #GOOD} fails the gateway's checks in its own way. */
  enum Client {
    GOOD("pump-1"),
    SECOND("pump-2"),
    EXPIRED("pump-expired"),
    REVOKED("pump-revoked"),
    WRONG_CA("pump-stranger"),
    SELF_SIGNED("pump-self"),
    WRONG_PURPOSE("pump-server-only");

    final String cn;

    Client(String cn) {
      this.cn = cn;
    }
  }

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final List<BigInteger> revoked = new ArrayList<>();
  private final java.util.Map<Client, X509Certificate> certificates = new java.util.HashMap<>();
  private final java.util.Map<Client, KeyPair> keys = new java.util.HashMap<>();

  /** Makes the CA and every certificate in {@code dir}, created if missing. */
  public Pki(Path dir) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir);
    Instant now = Instant.now();
    caKeys = keys();
    ca = ca("Hospital Test CA", caKeys, now);
    KeyPair wrongCaKeys = keys();
    X509Certificate wrongCa = ca("Someone Else's CA", wrongCaKeys, now);
    pem(dir.resolve("ca.pem"), ca);
    KeyPair serverKeys = keys();
    pem(
        dir.resolve("server.pem"),
        leaf(
            "localhost",
            serverKeys,
            ca,
            caKeys,
            now,
            Duration.ofDays(30),
            KeyPurposeId.id_kp_serverAuth));
    pem(dir.resolve("server.key"), new JcaPKCS8Generator(serverKeys.getPrivate(), null));
    for (Client c : Client.values()) {
      KeyPair k = keys();
      X509Certificate cert =
          switch (c) {
            case GOOD, SECOND, REVOKED ->
                leaf(c.cn, k, ca, caKeys, now, Duration.ofDays(30), KeyPurposeId.id_kp_clientAuth);
            case EXPIRED ->
                leaf(
                    c.cn,
                    k,
                    ca,
                    caKeys,
                    now.minus(Duration.ofDays(40)),
                    Duration.ofDays(30),
                    KeyPurposeId.id_kp_clientAuth);
            case WRONG_CA ->
                leaf(
                    c.cn,
                    k,
                    wrongCa,
                    wrongCaKeys,
                    now,
                    Duration.ofDays(30),
                    KeyPurposeId.id_kp_clientAuth);
            case SELF_SIGNED ->
                leaf(c.cn, k, null, k, now, Duration.ofDays(30), KeyPurposeId.id_kp_clientAuth);
            case WRONG_PURPOSE ->
                leaf(c.cn, k, ca, caKeys, now, Duration.ofDays(30), KeyPurposeId.id_kp_serverAuth);
          };
      certificates.put(c, cert);
      keys.put(c, k);
    }
    revoke(Client.REVOKED);
    pem(dir.resolve("pump-1.pem"), certificates.get(Client.GOOD));
    pem(dir.resolve("pump-1.key"), new JcaPKCS8Generator(keys.get(Client.GOOD).getPrivate(), null));
  }

  /** The good client certificate's PEM file, and its key's. */
  Path goodClientPem() {
    return dir.resolve("pump-1.pem");
  }

  Path goodClientKey() {
    return dir.resolve("pump-1.key");
  }

  /** The CA's certificate, the server's certificate and the server's key. */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  public Path serverPem() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  Path crl() {
    return dir.resolve("ca.crl");
  }

  /** Adds {@code c} to the CA's revocation list and writes the list anew. */
  void revoke(Client c) throws Exception {
    revoked.add(certificates.get(c).getSerialNumber());
    Instant now = Instant.now();
    X509v2CRLBuilder b =
        new X509v2CRLBuilder(
            X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), Date.from(now));
    b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
    for (BigInteger serial : revoked) {
      b.addCRLEntry(serial, Date.from(now), CRLReason.keyCompromise);
    }
    X509CRLHolder holder = b.build(signer(caKeys));
    Path temp = dir.resolve("ca.crl.tmp");
    try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII);
        JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(holder);
    }
    Files.move(
        temp,
        crl(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** A TLS context presenting {@code c} (or no certificate) and trusting the hospital CA. */
  SSLContext client(Client c) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore identity = KeyStore.getInstance("PKCS12");
    identity.load(null, null);
    if (c != null) {
      identity.setKeyEntry(
          "me",
          keys.get(c).getPrivate(),
          "x".toCharArray(),
          new X509Certificate[] {certificates.get(c)});
    }
    kmf.init(identity, "x".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    return context;
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate ca(String name, KeyPair keys, Instant now) throws Exception {
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minusSeconds(3600)),
            Date.from(now.plus(Duration.ofDays(365))),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new JcaX509CertificateConverter().getCertificate(b.build(signer(keys)));
  }

  private static X509Certificate leaf(
      String cn,
      KeyPair keys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Instant notBefore,
      Duration validity,
      KeyPurposeId purpose)
      throws Exception {
    X500Name subject = new X500Name("CN=" + cn + ",O=Hospital");
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuerName,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore.minusSeconds(60)),
            Date.from(notBefore.plus(validity)),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
    return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKeys)));
  }

  private static ContentSigner signer(KeyPair keys) throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
  }

  private static void pem(Path file, Object o) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o instanceof JcaPKCS8Generator g ? g.generate() : o);
    }
  }
}
