package io.vigil.gateway.cli;

import io.vigil.audit.AuditException;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.InferenceException;
import io.vigil.monitoring.MonitoringException;
import io.vigil.sync.link.LinkException;
import io.vigil.trust.TrustException;
import java.util.Optional;

/**
 * The one place that turns a failure into the {@code vigil} command's message and exit status: the
 * modules' coded exceptions are expected failures, shown as their message alone; anything else is a
 * defect, left to show its stack trace.
 */
final class ExitStatus {

  /** Exit status for an expected failure that has no status of its own. */
  static final int FAILED = 1;

  /** Exit status for a damaged ledger (sysexits EX_DATAERR); the systemd unit does not restart. */
  static final int DAMAGED = 65;

  private ExitStatus() {}

  /** The message and status for an expected failure; empty for a defect. */
  static Optional<Failure> of(Throwable e) {
    if (e instanceof GatewayException g) {
      return Optional.of(
          new Failure(
              g.code() == GatewayException.Code.CONFIG_INVALID
                  ? "configuration error: " + g.getMessage()
                  : g.getMessage(),
              g.code().exitStatus()));
    }
    if (e instanceof TrustException t) {
      // A key file that is unsafe or unreadable needs a person, like a missing key.
      return Optional.of(
          new Failure(
              t.getMessage(),
              t.code() == TrustException.Code.KEY_INVALID
                  ? GatewayException.Code.KEY_UNUSABLE.exitStatus()
                  : FAILED));
    }
    if (e instanceof AuditException a && a.code() == AuditException.Code.DAMAGED) {
      // The ledger must be moved aside by a person (vigil audit recover): not restarted.
      return Optional.of(new Failure(a.getMessage(), DAMAGED));
    }
    if (e instanceof LinkException l) {
      // Unusable TLS files need a person, like a missing key; a broker away may come back.
      return Optional.of(
          new Failure(
              l.getMessage(),
              l.code() == LinkException.Code.TLS_FILES
                  ? GatewayException.Code.KEY_UNUSABLE.exitStatus()
                  : GatewayException.Code.BROKER_UNAVAILABLE.exitStatus()));
    }
    if (e instanceof InferenceException
        || e instanceof AuditException
        || e instanceof MonitoringException) {
      return Optional.of(new Failure(e.getMessage(), FAILED));
    }
    return Optional.empty();
  }

  /** What to print after {@code vigil: } and the status to exit with. */
  record Failure(String message, int status) {}
}
