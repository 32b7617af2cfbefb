package io.vigil.monitoring;

import java.util.List;

/** What a model's monitoring tells the gateway: closed windows and changes of safety level. */
public interface SafetyListener {

  /** A window closed; called on the monitor thread. */
  void windowClosed(ModelMonitor monitor, WindowResult window);

  /**
   * The model's safety level changed, by the policy ({@code actor} {@code system}) or by a person's
   * suspend or resume; called on the monitor thread, before the new level is in force.
   */
  void levelChanged(
      ModelMonitor monitor, SafetyLevel from, SafetyLevel to, List<String> reasons, String actor);
}
