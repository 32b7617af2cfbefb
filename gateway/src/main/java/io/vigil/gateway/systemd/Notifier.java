package io.vigil.gateway.systemd;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * sd_notify: tells systemd that the gateway is ready, is stopping, or what it is doing, through the
 * socket in {@code NOTIFY_SOCKET}; without one (not started by systemd) it does nothing.
 */
public final class Notifier {

  /** The environment variable that names systemd's notification socket. */
  public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

  /** How long a state change may take to leave before it is given up, with a warning. */
  static final long SEND_TIMEOUT_MILLIS = 1_000;

  private static final Logger LOG = System.getLogger(Notifier.class.getName());

  private final Optional<String> socket;
  private final Optional<Datagrams> datagrams;
  private volatile String status = "";

  private Notifier(Optional<String> socket, Optional<Datagrams> datagrams) {
    this.socket = socket;
    this.datagrams = datagrams;
  }

  /** The notifier of this process's environment. */
  public static Notifier fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** The notifier of {@code env}: one that does nothing without {@code NOTIFY_SOCKET}. */
  static Notifier fromEnvironment(Map<String, String> env) {
    String socket = env.get(NOTIFY_SOCKET);
    if (socket == null || socket.isEmpty()) {
      return new Notifier(Optional.empty(), Optional.empty());
    }
    return new Notifier(Optional.of(socket), Datagrams.shared());
  }

  /** Whether notifications go anywhere. */
  public boolean enabled() {
    return socket.isPresent() && datagrams.isPresent();
  }

  /** {@code READY=1}, with {@code status} (the ports and models) as the unit's status line. */
  public void ready(String status) {
    this.status = oneLine(status);
    await(send("READY=1\nSTATUS=" + this.status), "READY=1");
  }

  /** {@code STOPPING=1}: the unit shows deactivating while requests drain. */
  public void stopping(String status) {
    await(send("STOPPING=1\nSTATUS=" + oneLine(status)), "STOPPING=1");
  }

  /** The status line that {@link #ready} set, to show again once a fault has passed. */
  String readyStatus() {
    return status;
  }

  /** Sends one notification, {@code KEY=value} lines; done at once when disabled. */
  CompletableFuture<Void> send(String state) {
    if (!enabled()) {
      return CompletableFuture.completedFuture(null);
    }
    return datagrams.get().send(socket.get(), state.getBytes(StandardCharsets.UTF_8));
  }

  /** A status as systemd shows it: one line. */
  static String oneLine(String status) {
    return status.replace('\n', ' ').replace('\r', ' ');
  }

  private static void await(CompletableFuture<Void> sent, String what) {
    try {
      sent.get(SEND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, "could not tell systemd " + what + ": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      LOG.log(Level.WARNING, "could not tell systemd " + what + " within 1 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
