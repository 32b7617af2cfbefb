package io.vigil.gateway.doctor;

import io.vigil.audit.AuditException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The system clock: not before the ledger's newest entry (a clock that went back puts entries out
 * of order in time and makes checkpoints lie about when), and synchronised by NTP where systemd can
 * say so.
 */
final class ClockCheck implements Check {

  static final String NAME = "clock";

  /** What systemd-timesyncd touches once the clock is synchronised. */
  static final Path TIMESYNC_FLAG = Path.of("/run/systemd/timesync/synchronized");

  private final Supplier<Optional<Boolean>> ntp;

  ClockCheck(Supplier<Optional<Boolean>> ntp) {
    this.ntp = ntp;
  }

  @Override
  public List<Finding> run(Installation in) {
    List<Finding> out = new ArrayList<>();
    Instant now = in.clock().instant();
    Optional<Instant> last = Optional.empty();
    try {
      last = LedgerFacts.read(in.database()).flatMap(LedgerFacts::last);
    } catch (AuditException e) {
      // The ledger check reports a ledger that cannot be read.
    }
    if (last.isPresent() && now.isBefore(last.get())) {
      out.add(
          Finding.fail(
              NAME,
              "the system clock ("
                  + now
                  + ") is before the ledger's newest entry ("
                  + last.get()
                  + "): it went back",
              "set the clock right before starting the gateway (run: timedatectl set-ntp true;"
                  + " timedatectl status)"));
    } else if (last.isPresent()) {
      out.add(
          Finding.ok(NAME, "the system clock (" + now + ") is after the ledger's newest entry"));
    }
    Optional<Boolean> synced = ntp.get();
    if (synced.isEmpty()) {
      out.add(Finding.ok(NAME, "NTP synchronisation: unknown (no timedatectl or timesyncd here)"));
    } else if (synced.get()) {
      out.add(Finding.ok(NAME, "NTP synchronised"));
    } else {
      out.add(
          Finding.warn(
              NAME,
              "the clock is not synchronised by NTP: ledger times may drift",
              "run: timedatectl set-ntp true (and check: timedatectl timesync-status)"));
    }
    return out;
  }

  /**
   * Whether systemd says the clock is synchronised: timesyncd's flag file, else {@code timedatectl
   * show}; empty where neither can tell.
   */
  static Optional<Boolean> systemNtp() {
    if (Files.exists(TIMESYNC_FLAG)) {
      return Optional.of(true);
    }
    try {
      Process p =
          new ProcessBuilder("timedatectl", "show", "-p", "NTPSynchronized", "--value")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 && (answer.equals("yes") || answer.equals("no"))
          ? Optional.of(answer.equals("yes"))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
