package io.vigil.sync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A broken network for tests: a TCP proxy on the loopback whose {@link #cut()} closes every
 * connection through it and refuses new ones until {@link #restore()}.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  private TcpProxy(int targetPort) {
    this.port = Ports.free();
    this.targetPort = targetPort;
  }

  /** A proxy from a free loopback port to the target port on the loopback. */
  public static TcpProxy to(int targetPort) {
    TcpProxy proxy = new TcpProxy(targetPort);
    proxy.restore();
    return proxy;
  }

  public int port() {
    return port;
  }

  /** {@code tcp://127.0.0.1:port}. */
  public String tcpUri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** Closes every connection and stops listening, so that new connections are refused. */
  public synchronized void cut() {
    ServerSocket listening = server;
    server = null;
    closeQuietly(listening);
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /** Listens again on the same port. */
  public synchronized void restore() {
    if (server != null) {
      return;
    }
    try {
      ServerSocket listening = new ServerSocket();
      listening.setReuseAddress(true);
      listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = listening;
      Thread accept = new Thread(() -> accept(listening), "proxy-accept-" + port);
      accept.setDaemon(true);
      accept.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cuts now and restores after the duration, without blocking the caller. */
  public void cutFor(Duration duration) {
    cut();
    Thread later =
        new Thread(
            () -> {
              try {
                Thread.sleep(duration.toMillis());
                restore();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "proxy-restore-" + port);
    later.setDaemon(true);
    later.start();
  }

  @Override
  public void close() {
    cut();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        if (server != listening) {
          // Cut while connecting: this pair must not survive.
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // The other side or cut() closed it.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            },
            "proxy-pump-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing what is already broken.
    }
  }
}
