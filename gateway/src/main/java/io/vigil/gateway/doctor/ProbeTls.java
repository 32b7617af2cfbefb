package io.vigil.gateway.doctor;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS of {@code vigil doctor}'s port probe, which asks only whether the process on a port is a
 * Vigil server and sends nothing secret: it accepts any server certificate, since the gateway's may
 * be issued by a hospital CA that this machine's trust store does not hold.
 */
final class ProbeTls {

  static final SSLContext ANY = context();

  private ProbeTls() {}

  private static SSLContext context() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {new AnyServer()}, new SecureRandom());
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  private static final class AnyServer implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("a probe is a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // Who answers is what the probe asks; it trusts the answer with nothing.
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
