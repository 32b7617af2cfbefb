package io.vigil.gateway.doctor;

import java.util.Locale;
import java.util.Objects;

/**
 * One result of {@code vigil doctor}: how a check came out, what it looked at and, unless it is
 * {@link Status#OK}, what to do about it.
 *
 * @param status ok, warn or FAIL
 * @param check the check's short name: {@code config}, {@code data-dir}, {@code ports}...
 * @param subject what was checked and what was found, naming the path or the key
 * @param fix a command to run or an edit to make; empty when the status is ok
 */
public record Finding(Status status, String check, String subject, String fix) {

  /** How a check came out; only {@link #FAIL} makes the command exit 1. */
  public enum Status {
    OK,
    WARN,
    FAIL;

    /** The word the report prints: {@code ok}, {@code warn}, {@code FAIL}. */
    public String label() {
      return this == FAIL ? "FAIL" : name().toLowerCase(Locale.ROOT);
    }
  }

  public Finding {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(fix, "fix");
    if (status != Status.OK && fix.isEmpty()) {
      throw new IllegalArgumentException("a " + status.label() + " finding needs a fix");
    }
  }

  static Finding ok(String check, String subject) {
    return new Finding(Status.OK, check, subject, "");
  }

  static Finding warn(String check, String subject, String fix) {
    return new Finding(Status.WARN, check, subject, fix);
  }

  static Finding fail(String check, String subject, String fix) {
    return new Finding(Status.FAIL, check, subject, fix);
  }
}
