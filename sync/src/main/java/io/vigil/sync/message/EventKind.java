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
  /** An update was installed as its model's candidate: it runs in shadow, answering no device. */
  CANDIDATE(false),
  /** A candidate met the shadow rule on live traffic. */
  SHADOW_PASSED(false),
  /** A candidate failed the shadow rule and was taken out of service; the active one stays. */
  SHADOW_FAILED(true),
  /** A candidate that met the shadow rule waits for a local operator's approval. */
  AWAITING_APPROVAL(false),
  /** A local operator approved a candidate. */
  APPROVED(false),
  /** A local operator held a candidate: it stays out of service until approved. */
  HELD(false),
  /** A candidate became its model's active version; its probation begins. */
  PROMOTED(true),
  /** A promoted version answered its probation's predictions without a breach. */
  PROBATION_PASSED(false),
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
