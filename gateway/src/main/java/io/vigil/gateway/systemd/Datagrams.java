package io.vigil.gateway.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Unix datagrams to systemd's sockets through Netty's epoll transport: one socket on one daemon
 * thread, shared by the notifier and the journal, made on first use.
 */
final class Datagrams {

  private static final Logger LOG = System.getLogger(Datagrams.class.getName());
  private static Optional<Datagrams> shared;

  private final EventLoopGroup group;
  private final Channel channel;

  private Datagrams(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** The JVM's one sender; empty, said once at debug level, where epoll is unavailable. */
  static synchronized Optional<Datagrams> shared() {
    if (shared == null) {
      shared = open();
    }
    return shared;
  }

  private static Optional<Datagrams> open() {
    if (!Epoll.isAvailable()) {
      LOG.log(
          Level.DEBUG,
          "no sd_notify and no journal: Netty's epoll transport is unavailable here ("
              + Epoll.unavailabilityCause()
              + ")");
      return Optional.empty();
    }
    // A daemon thread: a JVM that exits must not wait for it, and shutdown hooks still log.
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("vigil-systemd", true), EpollIoHandler.newFactory());
    try {
      Channel channel =
          new Bootstrap()
              .group(group)
              .channel(EpollDomainDatagramChannel.class)
              .handler(new ChannelHandlerAdapter() {})
              // An empty address autobinds to a unique abstract name: Netty sends only from a bound
              // (active) channel, and there is no file to clean up.
              .bind(new DomainSocketAddress(""))
              .syncUninterruptibly()
              .channel();
      return Optional.of(new Datagrams(group, channel));
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      LOG.log(Level.DEBUG, "no sd_notify and no journal: cannot open a datagram socket", e);
      return Optional.empty();
    }
  }

  /**
   * Sends one datagram to {@code socket}, a path or, starting with '@', an abstract socket; the
   * future fails when the kernel refuses it (no such socket, too large, no room).
   */
  CompletableFuture<Void> send(String socket, byte[] payload) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    channel
        .writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(payload), address(socket)))
        .addListener(
            f -> {
              if (f.isSuccess()) {
                sent.complete(null);
              } else {
                sent.completeExceptionally(f.cause());
              }
            });
    return sent;
  }

  /** The address of a socket as systemd names it: '@' stands for the abstract namespace's NUL. */
  static DomainSocketAddress address(String socket) {
    return new DomainSocketAddress(socket.startsWith("@") ? "\0" + socket.substring(1) : socket);
  }

  /** Whether this sender's thread is the caller's, where waiting for a send would deadlock. */
  boolean inSenderThread() {
    return group.next().inEventLoop();
  }
}
