package io.vigil.gateway.access;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who sent a request, by the first of: a client certificate the TLS handshake accepted (and that
 * the revocation list read since does not revoke), a bearer token ({@code Authorization: Bearer
 * ...}) of the credentials file, or the identity header of a trusted proxy. A credential that is
 * presented and wrong is refused, never taken for no credential. What each way of authenticating
 * names:
 *
 * <ul>
 *   <li>a device's certificate: the entry registered for its common name, else the common name;
 *   <li>an operator's certificate: only the entry registered for its common name (a hospital CA
 *       issues certificates to many people; a role is given here);
 *   <li>a token: its entry.
 * </ul>
 */
public final class Authenticator {

  /** The outcome: who, or why not. */
  public record Outcome(Optional<Principal> principal, String refusal) {

    static Outcome of(Principal p) {
      return new Outcome(Optional.of(p), "");
    }

    private static final Outcome NONE = new Outcome(Optional.empty(), "");

    static Outcome none() {
      return NONE;
    }

    static Outcome refused(String why) {
      return new Outcome(Optional.empty(), why);
    }

    /** Whether a credential was presented and refused. */
    public boolean isRefused() {
      return !refusal.isEmpty();
    }
  }

  private static final String BEARER = "bearer ";

  private final Credentials credentials;
  private final boolean operators;
  private final Supplier<Optional<ServerTls>> tls;
  private final Set<String> trustedProxies;
  private final String identityHeader;
  private final Optional<LocalOperator> local;

  /**
   * Authenticates against {@code credentials} (devices or operators), with the revocation list of
   * {@code tls} as read now, believing {@code identityHeader} from {@code trustedProxies} only, and
   * the {@code local} operator's token.
   */
  public Authenticator(
      Credentials credentials,
      Supplier<Optional<ServerTls>> tls,
      List<String> trustedProxies,
      String identityHeader,
      Optional<LocalOperator> local) {
    this.credentials = credentials;
    this.operators = credentials.kind() == Credentials.Kind.OPERATORS;
    this.tls = tls;
    this.trustedProxies = Set.copyOf(trustedProxies);
    this.identityHeader = identityHeader;
    this.local = local;
  }

  /** Who sent {@code request}, none, or why its credential is refused. */
  public Outcome authenticate(HttpServerRequest request) {
    return authenticate(request.connection(), request::getHeader);
  }

  /**
   * Who sent a request with these {@code headers} over {@code connection} (a gRPC call, whose
   * headers are its metadata), none, or why its credential is refused.
   */
  public Outcome authenticate(HttpConnection connection, Function<String, String> headers) {
    Optional<X509Certificate> certificate = certificate(connection);
    if (certificate.isPresent()) {
      X509Certificate c = certificate.get();
      if (tls.get().map(t -> t.revoked(c)).orElse(false)) {
        return Outcome.refused(
            "the client certificate (serial "
                + c.getSerialNumber().toString(16)
                + ") is revoked by the revocation list");
      }
      Optional<String> cn = commonName(c);
      if (cn.isEmpty()) {
        return Outcome.refused("the client certificate names no common name (CN)");
      }
      Optional<Credentials.Entry> entry = credentials.byCertificate(cn.get());
      if (operators) {
        return entry
            .map(e -> Outcome.of(Principal.operator(e.name(), "certificate", role(e))))
            .orElseGet(
                () ->
                    Outcome.refused(
                        "no operator is registered for the certificate of '"
                            + cn.get()
                            + "' (vigil operators add NAME --role ROLE --certificate-cn CN)"));
      }
      if (!viaProxy(connection)) {
        return Outcome.of(
            Principal.device(entry.map(Credentials.Entry::name).orElse(cn.get()), "certificate"));
      }
    }
    String authorization = headers.apply("Authorization");
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return Outcome.refused("the Authorization header must be 'Bearer <token>'");
      }
      String token = authorization.substring(BEARER.length()).strip();
      if (local.isPresent() && local.get().matches(token)) {
        return Outcome.of(Principal.operator(LocalOperator.NAME, "local-token", Role.OPERATOR));
      }
      return credentials
          .byToken(token)
          .map(
              e ->
                  Outcome.of(
                      operators
                          ? Principal.operator(e.name(), "token", role(e))
                          : Principal.device(e.name(), "token")))
          .orElseGet(() -> Outcome.refused("the bearer token is unknown or revoked"));
    }
    if (!operators && viaProxy(connection)) {
      String name = headers.apply(identityHeader);
      if (name != null && !name.isBlank()) {
        return Outcome.of(Principal.device(name.strip(), "proxy"));
      }
    }
    return Outcome.none();
  }

  private boolean viaProxy(HttpConnection connection) {
    if (trustedProxies.isEmpty() || connection.remoteAddress() == null) {
      return false;
    }
    String host = connection.remoteAddress().hostAddress();
    return host != null && trustedProxies.contains(host);
  }

  private static Role role(Credentials.Entry e) {
    return e.role().orElse(Role.VIEWER);
  }

  private static Optional<X509Certificate> certificate(HttpConnection connection) {
    if (!connection.isSsl()) {
      return Optional.empty();
    }
    try {
      List<Certificate> chain = connection.peerCertificates();
      return chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate x)
          ? Optional.empty()
          : Optional.of(x);
    } catch (SSLPeerUnverifiedException noCertificate) {
      return Optional.empty();
    }
  }

  /** The common name of a certificate's subject (the most specific, if several). */
  static Optional<String> commonName(X509Certificate c) {
    try {
      LdapName name = new LdapName(c.getSubjectX500Principal().getName());
      List<Rdn> rdns = name.getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          String value = String.valueOf(rdns.get(i).getValue()).strip();
          return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }
      }
      return Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }
}
