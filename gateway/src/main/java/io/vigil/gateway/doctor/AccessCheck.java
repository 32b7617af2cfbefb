package io.vigil.gateway.doctor;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.access.Credentials;
import io.vigil.gateway.access.Role;
import io.vigil.gateway.access.ServerTls;
import io.vigil.gateway.config.DeviceAccess;
import io.vigil.gateway.config.TlsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How devices and operators reach the gateway: TLS or plain HTTP on each port (and whether its
 * files can be used, its certificate is near its end, its revocation list is stale), whether
 * devices must authenticate, and the credentials files (readable, an approver registered).
 */
final class AccessCheck implements Check {

  static final String NAME = "access";

  private static final Duration SOON = Duration.ofDays(30);

  @Override
  public List<Finding> run(Installation in) {
    List<Finding> out = new ArrayList<>();
    DeviceAccess access = in.config().server().access();
    out.add(transport(in, "server", access.tls(), "devices"));
    out.add(transport(in, "admin", in.config().admin().tls(), "operators"));
    if (access.authentication() == DeviceAccess.Authentication.OFF) {
      out.add(
          Finding.warn(
              NAME,
              "server.device-auth is off: requests without a credential are served as"
                  + " 'anonymous' (allowed on loopback only)",
              "edit "
                  + in.configName()
                  + ": server.device-auth: required, with client certificates or `vigil devices"
                  + " add NAME` tokens"));
    } else {
      out.add(Finding.ok(NAME, "server.device-auth: required: every device authenticates"));
    }
    out.add(credentials(in, Credentials.Kind.DEVICES));
    out.add(credentials(in, Credentials.Kind.OPERATORS));
    return out;
  }

  private static Finding transport(Installation in, String section, TlsConfig tls, String who) {
    if (!tls.enabled()) {
      return Finding.warn(
          NAME,
          section + ": plain HTTP is on: " + who + "' requests and tokens are not encrypted",
          "edit "
              + in.configName()
              + ": set "
              + section
              + ".tls.cert-file and key-file, unless the port stays on loopback or behind a"
              + " TLS-terminating proxy");
    }
    ServerTls read;
    try {
      read = ServerTls.read(tls);
    } catch (GatewayException e) {
      return Finding.fail(
          NAME,
          e.getMessage(),
          "fix the file it names; a running gateway reads it again within seconds");
    }
    Instant now = in.clock().instant();
    if (read.notAfter().isBefore(now)) {
      return Finding.fail(
          NAME,
          section + ".tls.cert-file expired on " + read.notAfter(),
          "renew the certificate in " + tls.certFile() + "; the gateway reads it within seconds");
    }
    if (read.notAfter().isBefore(now.plus(SOON))) {
      return Finding.warn(
          NAME,
          section + ".tls.cert-file expires on " + read.notAfter(),
          "renew the certificate in " + tls.certFile() + " before then");
    }
    if (read.crlNextUpdate().map(next -> next.isBefore(now)).orElse(false)) {
      return Finding.warn(
          NAME,
          section + ".tls.crl-file is stale: its next update was due " + read.crlNextUpdate().get(),
          "replace " + tls.crlFile() + " with the CA's current revocation list");
    }
    return Finding.ok(
        NAME,
        section
            + ": TLS 1.2+, certificate valid until "
            + read.notAfter()
            + (tls.clientCertificates() ? ", client certificates from " + tls.clientCaFile() : "")
            + (tls.revocation() ? ", revocation list " + tls.crlFile() : ""));
  }

  private static Finding credentials(Installation in, Credentials.Kind kind) {
    Credentials c;
    try {
      c = Credentials.open(in.config().dataDir(), kind);
    } catch (GatewayException e) {
      return Finding.fail(NAME, e.getMessage(), "restore or remove the file it names");
    }
    long active = c.entries().stream().filter(Credentials.Entry::active).count();
    if (kind == Credentials.Kind.OPERATORS
        && c.entries().stream()
            .noneMatch(e -> e.active() && e.role().map(r -> r == Role.APPROVER).orElse(false))) {
      return Finding.warn(
          NAME,
          active
              + " operator(s), none an approver: no one can approve an update held for local"
              + " approval or resume a suspended model",
          "run: vigil operators add NAME --role approver");
    }
    return Finding.ok(
        NAME,
        active + " active " + kind.name().toLowerCase(java.util.Locale.ROOT) + " in " + c.file());
  }
}
