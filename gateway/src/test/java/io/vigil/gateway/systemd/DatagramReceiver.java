package io.vigil.gateway.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.vigil.gateway.FaultTools;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A Unix datagram socket that a test binds, as systemd binds its notification and journal ones. */
final class DatagramReceiver implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel channel;
  private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final List<byte[]> history = new CopyOnWriteArrayList<>();

  private DatagramReceiver(String socket) throws InterruptedException {
    // CI runs on Linux, where a missing epoll transport is a failure, never a skip.
    FaultTools.require(Epoll.isAvailable(), "Netty's epoll transport (Linux)");
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    channel =
        new Bootstrap()
            .group(group)
            .channel(EpollDomainDatagramChannel.class)
            // Netty's default takes 2 KiB of a datagram; a record with a stack trace is longer.
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(1024 * 1024))
            .handler(
                new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                    byte[] datagram = ByteBufUtil.getBytes(p.content());
                    history.add(datagram);
                    received.add(datagram);
                  }
                })
            .bind(Datagrams.address(socket))
            .sync()
            .channel();
  }

  /** Binds {@code socket}, a path or an abstract name starting with '@'. */
  static DatagramReceiver bind(String socket) throws InterruptedException {
    return new DatagramReceiver(socket);
  }

  /** The next datagram, waiting up to {@code timeout}; null when none came. */
  byte[] next(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The next datagram as text that {@code wanted} accepts, skipping others; fails after timeout.
   */
  String await(Predicate<String> wanted, Duration timeout, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<String> skipped = new ArrayList<>();
    while (System.nanoTime() < end) {
      byte[] d = next(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (d == null) {
        break;
      }
      String text = new String(d, StandardCharsets.UTF_8);
      if (wanted.test(text)) {
        return text;
      }
      skipped.add(text);
    }
    throw new AssertionError("no " + what + " within " + timeout + "; received " + skipped);
  }

  /** Everything received and not yet taken, as it came. */
  List<byte[]> drain() {
    List<byte[]> all = new ArrayList<>();
    received.drainTo(all);
    return all;
  }

  /** Every datagram received so far, taken or not, as they came. */
  List<byte[]> all() {
    return List.copyOf(history);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
