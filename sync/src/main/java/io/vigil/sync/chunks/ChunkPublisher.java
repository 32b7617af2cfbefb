package io.vigil.sync.chunks;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.TargetFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manufacturer's side: turns a TUF repository directory (the layout {@code vigil repo} writes)
 * into retained MQTT messages, the chunks of every listed target first and the timestamp last, so
 * that a gateway that sees a new timestamp finds everything it leads to already on the broker.
 */
public final class ChunkPublisher {

  /** Bytes of a target per chunk message unless told otherwise: 256 KiB. */
  public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

  private static final Pattern VERSIONED = Pattern.compile("([0-9]+)\\.(.+)\\.json");
  private static final byte[] CLEAR = new byte[0];

  private final Topics topics;
  private final int chunkSize;

  /** What one {@link #publish} sent. */
  public record Summary(int metadataFiles, int targets, int chunks, int cleared, long bytes) {}

  private ChunkPublisher(Topics topics, int chunkSize) {
    this.topics = topics;
    this.chunkSize = chunkSize;
  }

  /** A publisher to {@code topics} with chunks of {@link #DEFAULT_CHUNK_SIZE}. */
  public static ChunkPublisher create(Topics topics) {
    return create(topics, DEFAULT_CHUNK_SIZE);
  }

  /** A publisher to {@code topics} with chunks of {@code chunkSize} bytes. */
  public static ChunkPublisher create(Topics topics, int chunkSize) {
    if (chunkSize <= 0 || chunkSize > Chunk.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunkSize must be 1 to " + Chunk.MAX_CHUNK_SIZE + " bytes: " + chunkSize);
    }
    return new ChunkPublisher(topics, chunkSize);
  }

  /**
   * Publishes the repository in {@code dir} through {@code publish}, retained: the chunks of every
   * target file that the newest version of some targets role lists, every root version, the newest
   * version of every other role, and the timestamp last. It also clears (an empty retained payload)
   * the chunks of target files no role lists any more and older versions of roles other than root,
   * so that the broker holds what a gateway may still need and no more.
   *
   * @throws TrustException {@link Code#FETCH_FAILED} when the directory is not a repository or a
   *     file cannot be read, {@link Code#MALFORMED} when targets metadata cannot be parsed
   */
  public Summary publish(Path dir, Publish publish) {
    Path metadata = dir.resolve("metadata");
    Path targetsDir = dir.resolve("targets");
    if (!Files.isDirectory(metadata)) {
      throw new TrustException(
          Code.FETCH_FAILED, dir + " is not a TUF repository: it has no metadata/ directory");
    }
    try {
      Map<String, Long> newest = new TreeMap<>();
      List<String> names = new ArrayList<>();
      try (Stream<Path> files = Files.list(metadata)) {
        files.filter(Files::isRegularFile).forEach(f -> names.add(f.getFileName().toString()));
      }
      names.removeIf(n -> n.startsWith(".") || !n.endsWith(".json"));
      names.sort(null);
      for (String name : names) {
        Matcher m = VERSIONED.matcher(name);
        if (m.matches()) {
          newest.merge(m.group(2), Long.parseLong(m.group(1)), Math::max);
        }
      }
      Set<String> listed = listedTargetFiles(metadata, names, newest);
      int targets = 0;
      int chunks = 0;
      int cleared = 0;
      long bytes = 0;
      for (String file : targetFiles(targetsDir)) {
        Path f = targetsDir.resolve(file);
        if (listed.contains(file)) {
          targets++;
          int count = publishChunks(file, f, publish);
          chunks += count;
          bytes += Files.size(f);
        } else {
          int count = Chunk.countFor(Files.size(f), chunkSize);
          for (int i = 0; i < count; i++) {
            publish.publish(topics.chunk(file, i), CLEAR, true);
          }
          cleared += count;
        }
      }
      int published = 0;
      for (String name : names) {
        if (name.equals("timestamp.json")) {
          continue;
        }
        Matcher m = VERSIONED.matcher(name);
        boolean stale =
            m.matches()
                && !m.group(2).equals("root")
                && Long.parseLong(m.group(1)) < newest.get(m.group(2));
        if (stale) {
          publish.publish(topics.metadata(name), CLEAR, true);
          cleared++;
        } else {
          publish.publish(topics.metadata(name), Files.readAllBytes(metadata.resolve(name)), true);
          published++;
        }
      }
      if (names.contains("timestamp.json")) {
        publish.publish(
            topics.metadata("timestamp.json"),
            Files.readAllBytes(metadata.resolve("timestamp.json")),
            true);
        published++;
      }
      return new Summary(published, targets, chunks, cleared, bytes);
    } catch (IOException e) {
      throw new TrustException(Code.FETCH_FAILED, "cannot read repository " + dir + ": " + e, e);
    }
  }

  /**
   * The file names under {@code targets/} that the newest version of each targets role lists:
   * hash-prefixed when the newest root uses consistent snapshots.
   */
  private static Set<String> listedTargetFiles(
      Path metadata, List<String> names, Map<String, Long> newest) throws IOException {
    Long rootVersion = newest.get("root");
    boolean consistent =
        rootVersion == null
            || Metadata.root(Files.readAllBytes(metadata.resolve(rootVersion + ".root.json")))
                .signed()
                .consistentSnapshot();
    Set<String> listed = new HashSet<>();
    for (String name : names) {
      Matcher m = VERSIONED.matcher(name);
      String role = m.matches() ? m.group(2) : name.substring(0, name.length() - ".json".length());
      boolean current = m.matches() ? Long.parseLong(m.group(1)) == newest.get(role) : true;
      if (!current || Set.of("root", "snapshot", "timestamp").contains(role)) {
        continue;
      }
      for (TargetFile t :
          Metadata.targets(Files.readAllBytes(metadata.resolve(name)))
              .signed()
              .targets()
              .values()) {
        if (!consistent) {
          listed.add(t.path());
          continue;
        }
        int slash = t.path().lastIndexOf('/');
        for (String hash : t.hashes().values()) {
          listed.add(t.path().substring(0, slash + 1) + hash + "." + t.path().substring(slash + 1));
        }
      }
    }
    return listed;
  }

  private static List<String> targetFiles(Path targetsDir) throws IOException {
    if (!Files.isDirectory(targetsDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(targetsDir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .map(f -> targetsDir.relativize(f).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  private int publishChunks(String file, Path f, Publish publish) throws IOException {
    try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
      long length = in.size();
      int count = Chunk.countFor(length, chunkSize);
      for (int i = 0; i < count; i++) {
        ByteBuffer data = ByteBuffer.allocate(Chunk.lengthOf(length, chunkSize, i));
        long position = (long) i * chunkSize;
        while (data.hasRemaining()) {
          if (in.read(data, position + data.position()) < 0) {
            throw new IOException(f + " became shorter while it was read");
          }
        }
        Chunk chunk = new Chunk(file, length, chunkSize, i, count, data.array());
        publish.publish(topics.chunk(file, i), chunk.encode(), true);
      }
      return count;
    }
  }
}
