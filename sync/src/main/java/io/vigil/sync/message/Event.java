package io.vigil.sync.message;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a model version, told to the manufacturer at once: codes only, no free
 * text that could carry request data.
 *
 * <p>A {@link EventKind#COMMAND_REFUSED} event is about a command, not a model: it has no model and
 * no level, its {@code reason} is the command's name as a code ({@code summary_now}, {@code
 * unverified} when it did not verify) and its {@code check} the refusal's code ({@code unsigned},
 * {@code replayed}, {@code failed}); build it with {@link #commandRefused}.
 *
 * @param model the model version; {@code null} for, and only for, {@code command_refused}
 * @param level the model version's safety level after it; {@code null} for {@code command_refused}
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
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Tokens.code("reason", reason);
    check.ifPresent(c -> Tokens.code("check", c));
    if (kind == EventKind.COMMAND_REFUSED) {
      if (model != null || level != null || check.isEmpty()) {
        throw new IllegalArgumentException(
            "a command_refused event has no model and no level, and has the refusal's code");
      }
    } else {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(level, "level");
    }
  }

  /**
   * A command was refused.
   *
   * @param command the command's name as a code ({@code summary_now}, {@code unverified})
   * @param code the refusal's code ({@code unsigned}, {@code failed})
   */
  public static Event commandRefused(Instant at, String command, String code) {
    return new Event(at, EventKind.COMMAND_REFUSED, null, null, command, Optional.of(code));
  }
}
