package io.vigil.sync.message;

import java.time.Instant;

/** A model version's safety level changed, for a reason given as a code ({@code drift.psi}). */
public record SafetyChange(
    ModelRef model, SafetyLevel from, SafetyLevel to, Instant at, String reason) {
  public SafetyChange {
    Tokens.code("reason", reason);
  }
}
