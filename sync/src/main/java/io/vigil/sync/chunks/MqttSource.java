package io.vigil.sync.chunks;

import io.vigil.sync.chunks.ChunkAssembler.Received;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.tuf.Source;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TUF repository over MQTT: metadata from the retained messages of {@link Topics#metadata}, a
 * target reassembled from its retained chunks by a {@link ChunkAssembler} that keeps them on disk.
 * It only fetches; the {@link io.vigil.trust.tuf.Updater} checks what it returns as it checks a
 * directory's or a server's files.
 *
 * <p>Metadata that the feed has not seen counts as absent, as a directory without the file: the
 * link subscribes to {@link Topics#metadataFilter} when it connects and a refresh runs once the
 * retained messages arrived; a root rotation seen late is found by the next refresh.
 *
 * <p>Blocking: call it from a worker thread, never from an event loop.
 */
public final class MqttSource implements Source {

  private static final Logger LOG = System.getLogger(MqttSource.class.getName());

  /** Chunk messages waiting for the caller's thread: the memory a slow disk may cost. */
  static final int QUEUE_CAPACITY = 8;

  /** Above this many missing chunks, one wildcard subscription asks for them all. */
  static final int MAX_FILTERS = 1024;

  private final RepoFeed feed;
  private final Topics topics;
  private final MqttSourceOptions options;

  private MqttSource(RepoFeed feed, Topics topics, MqttSourceOptions options) {
    this.feed = feed;
    this.topics = topics;
    this.options = options;
  }

  /** The repository on {@code topics}, read through {@code feed}. */
  public static MqttSource create(RepoFeed feed, Topics topics, MqttSourceOptions options) {
    return new MqttSource(feed, topics, options);
  }

  @Override
  public Optional<byte[]> metadata(String name, long maxLength) {
    String topic;
    try {
      topic = topics.metadata(name);
    } catch (IllegalArgumentException e) {
      throw new TrustException(Code.MALFORMED, "metadata file " + name + ": " + e.getMessage());
    }
    Optional<byte[]> payload = feed.retained(topic).filter(p -> p.length > 0);
    if (payload.isPresent() && payload.get().length > maxLength) {
      throw new TrustException(
          Code.TOO_LONG,
          "metadata file "
              + name
              + " has "
              + payload.get().length
              + " bytes, over its cap of "
              + maxLength);
    }
    return payload;
  }

  /**
   * Waits until every chunk of the target file at {@code path} arrived, at most {@link
   * MqttSourceOptions#targetTimeout}, and returns its bytes; a download cut short resumes from the
   * chunks kept on disk. Empty when not one chunk of it arrived in that time.
   *
   * @throws TrustException {@link Code#TOO_LONG} for chunks that claim a target over {@code
   *     maxLength}, {@link Code#TARGET_MISMATCH} or {@link Code#MALFORMED} for a chunk that is
   *     refused (the partial download is then discarded), {@link Code#FETCH_FAILED} when some
   *     chunks are still missing at the timeout (they are kept for the next attempt)
   */
  @Override
  public Optional<byte[]> target(String path, long maxLength) {
    ChunkAssembler assembler;
    try {
      assembler = ChunkAssembler.open(options.downloads(), path, maxLength);
    } catch (IllegalArgumentException e) {
      throw new TrustException(Code.MALFORMED, "target " + path + ": " + e.getMessage());
    }
    long deadline = System.nanoTime() + options.targetTimeout().toNanos();
    while (!assembler.complete()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return timedOut(path, assembler);
      }
      receive(path, assembler, Math.min(left, options.resubscribeAfter().toNanos()));
    }
    byte[] bytes = assembler.assemble();
    assembler.discard();
    return Optional.of(bytes);
  }

  /**
   * One subscription to the chunks still missing, fed to {@code assembler} until the target is
   * complete or no new chunk arrived for {@code quietNanos}.
   */
  private void receive(String path, ChunkAssembler assembler, long quietNanos) {
    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    Receiver receiver = new Receiver(queue);
    try (RepoFeed.Subscription ignored = feed.subscribe(filters(path, assembler), receiver::take)) {
      long quietUntil = System.nanoTime() + quietNanos;
      while (!assembler.complete()) {
        long wait = quietUntil - System.nanoTime();
        byte[] message = wait <= 0 ? null : queue.poll(wait, TimeUnit.NANOSECONDS);
        if (message == null) {
          LOG.log(Level.DEBUG, "target " + path + ": " + assembler.progress() + ", asking again");
          return;
        }
        if (message.length == 0) {
          continue; // a cleared retained message: the target left the repository
        }
        if (accept(assembler, message) == Received.ADDED) {
          quietUntil = System.nanoTime() + quietNanos;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrustException(Code.FETCH_FAILED, "interrupted while fetching target " + path, e);
    } finally {
      receiver.open = false;
    }
  }

  private static Received accept(ChunkAssembler assembler, byte[] message) {
    try {
      return assembler.accept(message);
    } catch (TrustException e) {
      if (e.code() != Code.STORE_FAILED) {
        // Whichever chunk is the bad one, start the next attempt clean.
        assembler.discard();
      }
      throw e;
    }
  }

  private List<String> filters(String path, ChunkAssembler assembler) {
    List<Integer> missing = assembler.missing();
    if (missing.isEmpty() || missing.size() > MAX_FILTERS) {
      return List.of(topics.chunks(path));
    }
    List<String> out = new ArrayList<>(missing.size());
    missing.forEach(i -> out.add(topics.chunk(path, i)));
    return out;
  }

  private Optional<byte[]> timedOut(String path, ChunkAssembler assembler) {
    if (assembler.progress().have() == 0) {
      return Optional.empty();
    }
    List<Integer> missing = assembler.missing();
    throw new TrustException(
        Code.FETCH_FAILED,
        "target "
            + path
            + " has "
            + assembler.progress()
            + " after "
            + options.targetTimeout()
            + "; missing "
            + (missing.size() > 20 ? missing.subList(0, 20) + " and more" : missing)
            + " (kept for the next attempt)");
  }

  @Override
  public String describe() {
    return "MQTT " + topics;
  }

  /** Hands messages from the link's thread to the caller's, and drops them once it is gone. */
  private static final class Receiver {
    private final BlockingQueue<byte[]> queue;
    volatile boolean open = true;

    Receiver(BlockingQueue<byte[]> queue) {
      this.queue = queue;
    }

    void take(String topic, byte[] payload) {
      try {
        while (open) {
          if (queue.offer(payload, 100, TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
