package io.vigil.sync.link;

import io.vigil.sync.link.LinkException.Code;
import io.vigil.trust.key.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The link's TLS: PEM files read with Bouncy Castle ({@link PemFiles}) into a TLS 1.2+ socket
 * factory.
 */
final class PemTls {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private PemTls() {}

  static SSLSocketFactory socketFactory(TlsFiles files) {
    try {
      List<X509Certificate> cas = PemFiles.certificates(files.caPem());
      List<X509Certificate> chain = PemFiles.certificates(files.certificatePem());
      PrivateKey key = PemFiles.privateKey(files.keyPem());

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
