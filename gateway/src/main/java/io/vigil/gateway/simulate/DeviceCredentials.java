package io.vigil.gateway.simulate;

import io.vigil.gateway.GatewayException;
import io.vigil.trust.key.PemFiles;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What {@code vigil simulate} presents to a gateway that asks devices to authenticate: a device
 * token ({@code Authorization: Bearer}), and over TLS the CA that issued the gateway's certificate
 * and, optionally, a client certificate with its key (PEM).
 *
 * @param token the device token, if any
 * @param sslContext the TLS context, when a CA or a client certificate is given
 */
public record DeviceCredentials(Optional<String> token, Optional<SSLContext> sslContext) {

  /** Nothing: a loopback gateway with anonymous devices. */
  public static final DeviceCredentials NONE =
      new DeviceCredentials(Optional.empty(), Optional.empty());

  /**
   * The credentials of the command line: a token, the gateway's CA file, a client certificate and
   * key; each may be absent (a client certificate needs its key). Unusable files throw {@link
   * GatewayException} naming them.
   */
  public static DeviceCredentials of(
      Optional<String> token,
      Optional<Path> caFile,
      Optional<Path> certFile,
      Optional<Path> keyFile) {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID, "--cert and --key go together");
    }
    if (caFile.isEmpty() && certFile.isEmpty()) {
      return new DeviceCredentials(token, Optional.empty());
    }
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile.isPresent()) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<X509Certificate> cas = PemFiles.certificates(caFile.get());
        for (int i = 0; i < cas.size(); i++) {
          trust.setCertificateEntry("ca-" + i, cas.get(i));
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      KeyManagerFactory kmf = null;
      if (certFile.isPresent()) {
        char[] password = "simulate".toCharArray();
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry(
            "device",
            PemFiles.privateKey(keyFile.get()),
            password,
            PemFiles.certificates(certFile.get()).toArray(X509Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return new DeviceCredentials(token, Optional.of(context));
    } catch (IOException | GeneralSecurityException e) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID, "TLS files unusable: " + e.getMessage(), e);
    }
  }

  /** {@code request} with the token, if any. */
  HttpRequest.Builder apply(HttpRequest.Builder request) {
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return request;
  }
}
