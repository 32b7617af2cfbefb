package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.audit.AuditException;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.InferenceException;
import io.vigil.monitoring.MonitoringException;
import io.vigil.trust.TrustException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ExitStatusTest {

  @Test
  void aConfigurationErrorExitsWith78AndSaysSo() {
    ExitStatus.Failure f =
        ExitStatus.of(new GatewayException(GatewayException.Code.CONFIG_INVALID, "f: k: bad"))
            .orElseThrow();

    assertEquals(78, f.status());
    assertEquals("configuration error: f: k: bad", f.message());
  }

  @Test
  void everyModulesCodedFailureIsShownAsItsMessageAlone() {
    for (RuntimeException e :
        new RuntimeException[] {
          new GatewayException(GatewayException.Code.NOT_FOUND, "no ledger at x"),
          new InferenceException(InferenceException.Code.BUNDLE_INVALID, "bundle b is bad"),
          new AuditException(AuditException.Code.CORRUPT, "entry 3 is damaged"),
          new MonitoringException(MonitoringException.Code.STATE_FAILED, "monitoring state s: bad"),
          new TrustException(TrustException.Code.KEY_WRITE_FAILED, "cannot write key k")
        }) {
      ExitStatus.Failure f = ExitStatus.of(e).orElseThrow();
      assertEquals(ExitStatus.FAILED, f.status(), e.toString());
      assertEquals(e.getMessage(), f.message());
    }
  }

  @Test
  void anUnsafeKeyFileNeedsAPersonLikeAMissingKey() {
    ExitStatus.Failure f =
        ExitStatus.of(new TrustException(TrustException.Code.KEY_INVALID, "key k is unsafe"))
            .orElseThrow();

    assertEquals(77, f.status());
    assertEquals("key k is unsafe", f.message());
  }

  @Test
  void aDamagedLedgerExitsWith65() {
    ExitStatus.Failure f =
        ExitStatus.of(new AuditException(AuditException.Code.DAMAGED, "the ledger x is damaged"))
            .orElseThrow();

    assertEquals(65, f.status());
  }

  @Test
  void anythingElseIsADefectLeftToShowItsStackTrace() {
    assertTrue(ExitStatus.of(new IllegalStateException("bug")).isEmpty());
    assertTrue(ExitStatus.of(new UncheckedIOException(new java.io.IOException("x"))).isEmpty());
  }
}
