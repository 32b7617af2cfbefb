package io.vigil.gateway.access;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vigil.gateway.config.TlsConfig;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One server's access (the devices' OIP port or the admin port): its TLS as read from its files,
 * and who may come in ({@link Authenticator} over its credentials file). {@link #refresh} reads
 * again whatever changed, so that a new certificate, revocation list or credential is in force
 * without a restart; what cannot be read is logged once (until it changes again) and the last good
 * one kept.
 */
public final class Endpoint {

  private static final Logger LOG = System.getLogger(Endpoint.class.getName());

  private final String name;
  private final TlsConfig tlsConfig;
  private final Credentials credentials;
  private final Authenticator authenticator;
  private volatile Optional<ServerTls> tls;
  private List<String> refusedTls = List.of();

  private Endpoint(
      String name,
      TlsConfig tlsConfig,
      Credentials credentials,
      List<String> proxies,
      String header,
      Optional<LocalOperator> local) {
    this.name = name;
    this.tlsConfig = tlsConfig;
    this.credentials = credentials;
    this.tls = tlsConfig.enabled() ? Optional.of(ServerTls.read(tlsConfig)) : Optional.empty();
    this.authenticator = new Authenticator(credentials, () -> tls, proxies, header, local);
  }

  /**
   * The devices' endpoint: TLS from {@code tls}, devices from {@code
   * <dataDir>/access/devices.json}, the identity {@code header} believed from {@code proxies}.
   * Throws {@code CONFIG_INVALID} naming a TLS file that cannot be used, {@code DATA_INVALID} for a
   * credentials file that cannot.
   */
  public static Endpoint devices(Path dataDir, TlsConfig tls, List<String> proxies, String header) {
    return new Endpoint(
        "devices",
        tls,
        Credentials.open(dataDir, Credentials.Kind.DEVICES),
        proxies,
        header,
        Optional.empty());
  }

  /**
   * The admin endpoint: TLS from {@code tls}, operators from {@code operators.json}, and the local
   * operator, whose token for this run it writes ({@link LocalOperator}).
   */
  public static Endpoint operators(Path dataDir, TlsConfig tls) {
    return new Endpoint(
        "operators",
        tls,
        Credentials.open(dataDir, Credentials.Kind.OPERATORS),
        List.of(),
        "",
        Optional.of(LocalOperator.write(dataDir)));
  }

  /** Who may come in. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** The TLS read last, if the server speaks TLS. */
  public Optional<ServerTls> tls() {
    return tls;
  }

  /** {@code base} with this endpoint's TLS, if any. */
  public HttpServerOptions applyTo(HttpServerOptions base) {
    return tls.map(t -> t.applyTo(base)).orElse(base);
  }

  /**
   * Reads the credentials and the TLS files again if they changed; returns the new TLS options when
   * TLS changed, for the servers to apply to their new connections. Blocking (file reads): never on
   * an event loop.
   */
  public synchronized Optional<ServerSSLOptions> refresh() {
    try {
      if (credentials.refresh()) {
        LOG.log(Level.INFO, "read the " + name + " file " + credentials.file() + " again");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, e.getMessage() + "; the " + name + " read before stay in force");
    }
    Optional<ServerTls> now = tls;
    if (now.isEmpty() || !now.get().changed()) {
      return Optional.empty();
    }
    List<String> stamps = ServerTls.stamps(tlsConfig);
    if (stamps.equals(refusedTls)) {
      // Said once already: the files are no better than when they were last refused.
      return Optional.empty();
    }
    try {
      ServerTls next = ServerTls.read(tlsConfig);
      refusedTls = List.of();
      tls = Optional.of(next);
      LOG.log(
          Level.INFO,
          "read the "
              + tlsConfig.section()
              + " TLS files again; new connections use them, and requests on open connections"
              + " are checked against the new revocation list");
      return Optional.of(next.options());
    } catch (RuntimeException e) {
      refusedTls = stamps;
      LOG.log(
          Level.ERROR,
          e.getMessage() + "; the " + tlsConfig.section() + " TLS read before stays in force");
      return Optional.empty();
    }
  }
}
