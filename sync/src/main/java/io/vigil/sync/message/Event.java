package io.vigil.sync.message;

import java.time.Instant;
import java.util.Optional;

/**
 * Something that happened to a model version, told to the manufacturer at once: codes only, no free
 * text that could carry request data.
 *
 * @param level the model version's safety level after it
 * @param reason why, as a code ({@code drift.psi}, {@code update.signature})
 * @param check the check that failed, as a code, if one did
 */
public record Event(
    Instant at,
    EventKind kind,
    ModelRef model,
    SafetyLevel level,
    String reason,
    Optional<String> check) {
  public Event {
    Tokens.code("reason", reason);
    check.ifPresent(c -> Tokens.code("check", c));
  }
}
