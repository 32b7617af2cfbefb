package io.vigil.sync.link;

import io.vigil.sync.link.LinkException.Code;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** The link's TLS: PEM files read with Bouncy Castle into a TLS 1.2+ socket factory. */
final class PemTls {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private PemTls() {}

  static SSLSocketFactory socketFactory(TlsFiles files) {
    try {
      List<X509Certificate> cas = certificates(files.caPem());
      List<X509Certificate> chain = certificates(files.certificatePem());
      PrivateKey key = privateKey(files.keyPem());

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);

      // The key store lives only in memory; its password protects nothing and need not be secret.
      char[] password = "link".toCharArray();
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry("gateway", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(identity, password);

      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return new ProtocolsFactory(context.getSocketFactory());
    } catch (GeneralSecurityException | IOException e) {
      throw new LinkException(Code.TLS_FILES, "TLS files unusable: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new LinkException(
              Code.TLS_FILES,
              file + " holds a " + object.getClass().getSimpleName() + ", not a certificate");
        }
        certificates.add(converter.getCertificate(holder));
      }
    } catch (java.security.cert.CertificateException e) {
      throw new LinkException(Code.TLS_FILES, file + ": " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new LinkException(Code.TLS_FILES, file + " holds no PEM certificate");
    }
    return certificates;
  }

  private static PrivateKey privateKey(Path file) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      // OpenSSL 3 writes PKCS#8 ("BEGIN PRIVATE KEY"); older tools write "BEGIN EC/RSA PRIVATE
      // KEY".
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      // The private key alone: such a file need not carry the optional public key.
      if (object instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new LinkException(
          Code.TLS_FILES,
          file
              + " holds "
              + (object == null ? "nothing" : "a " + object.getClass().getSimpleName())
              + ", expected an unencrypted PEM private key");
    }
  }

  /** Hands out sockets that speak only TLS 1.2 and 1.3. */
  private static final class ProtocolsFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;

    ProtocolsFactory(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    private static Socket restrict(Socket socket) {
      if (socket instanceof SSLSocket ssl) {
        ssl.setEnabledProtocols(PROTOCOLS);
      }
      return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return restrict(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
        throws IOException {
      return restrict(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return restrict(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return restrict(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return restrict(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return restrict(delegate.createSocket(address, port, localAddress, localPort));
    }
  }
}
