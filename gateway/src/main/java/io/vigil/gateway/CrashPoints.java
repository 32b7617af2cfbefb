package io.vigil.gateway;

/**
 * A test hook: named places on the update path where a test stops the process dead, as {@code kill
 * -9} would, to prove that a restart ends with one complete, verified model active. When the system
 * property {@code vigil.crash-at} names a point, reaching it halts the JVM with status 137 ({@link
 * Runtime#halt}: no shutdown hook, no finally block, no flush, which is what SIGKILL does to the
 * process's own work; the kernel still keeps what was already written). Unset, a point costs one
 * comparison with a constant.
 *
 * <p>The points, in the order an update reaches them:
 *
 * <ul>
 *   <li>{@code download}: the target is about to be fetched, its install journal written ({@link
 *       io.vigil.gateway.install.Installer});
 *   <li>{@code verify}: its bytes are fetched and matched the signed length and hashes, and the
 *       bundle's own checks (manifest, files, PCCP) have not run;
 *   <li>{@code store}: every check passed, just before the bundle is written to the store;
 *   <li>{@code stored}: the bundle is in the store, its {@code bundle.installed} event not yet
 *       recorded;
 *   <li>{@code load}: its ONNX session loaded and golden vectors reproduced, not yet placed in a
 *       slot ({@link Gateway});
 *   <li>{@code shadow}: its shadow run counted the predictions the rule asks, the rule has not
 *       decided ({@link io.vigil.gateway.update.UpdateGate});
 *   <li>{@code promote} and {@code promoted}: just before and just after the slots save a
 *       promotion;
 *   <li>{@code rollback} and {@code rolled-back}: just before and just after the slots save a
 *       rollback ({@link Gateway}).
 * </ul>
 */
public final class CrashPoints {

  /** The system property that names the point to halt at. */
  public static final String PROPERTY = "vigil.crash-at";

  /** The exit status of a halt at a point: that of a process killed by SIGKILL. */
  public static final int STATUS = 137;

  private static final String AT = System.getProperty(PROPERTY, "");

  private CrashPoints() {}

  /** Halts the process at once when {@code vigil.crash-at} names {@code point}. */
  public static void reach(String point) {
    if (AT.equals(point)) {
      System.err.println("vigil: halted at crash point '" + point + "' (" + PROPERTY + ")");
      System.err.flush();
      Runtime.getRuntime().halt(STATUS);
    }
  }
}
