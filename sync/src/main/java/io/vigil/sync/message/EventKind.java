package io.vigil.sync.message;

import java.util.Locale;

/** What an event reports; {@link #safety()} says whether the outbox may ever drop it. */
public enum EventKind {
  /** A model version reached the alert level. */
  ALERT(true),
  /** A model version was suspended: it stopped answering. */
  SUSPENDED(true),
  /** An administrator resumed a suspended model version. */
  RESUMED(true),
  /** A model version was rolled back to the one before. */
  ROLLED_BACK(true),
  /** An update was refused; the model version before it keeps answering. */
  UPDATE_REFUSED(false),
  /**
   * A command from the manufacturer was refused (unverified, replayed, or not carried out): no
   * model, the command's name and the refusal's code ({@link Event#commandRefused}).
   */
  COMMAND_REFUSED(false);

  private final boolean safety;

  EventKind(boolean safety) {
    this.safety = safety;
  }

  /** Whether patient safety may be at stake, so that the event is never dropped. */
  public boolean safety() {
    return safety;
  }

  /** {@code alert}, {@code suspended}... */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
