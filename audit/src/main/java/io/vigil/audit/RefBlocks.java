package io.vigil.audit;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger's lookup of entries by ref (a prediction's request id, an event's type), kept so that
 * appending costs what an append costs whatever order the refs come in.
 *
 * <p>A B-tree index on {@code entries(ref)} inserts each entry on the page where its ref sorts:
 * with refs that devices choose (random, or a few repeated), every entry of a group commit lands on
 * a different page, and each such page is one more 4 KiB written to the WAL and synced: measured at
 * 20 µs of CPU per entry and a third of the writer's rate (BENCHMARKS.md, "Issue 18"). Instead, the
 * refs of every aligned run of {@link #ENTRIES} sequence numbers are kept as one row of {@code
 * ref_blocks}: {@code first_seq} and a sorted array of keys, each the ref's {@link #hash} in its
 * high 32 bits and the entry's offset in the block in its low 32, big-endian. The writer adds each
 * entry's key to the open block in memory and stores the block in the transaction that commits its
 * last entry, so rows arrive in order and at one per 1,024 entries.
 *
 * <p>A lookup reads every block (8 bytes per entry kept in the database, which archiving bounds),
 * binary-searches each for the refs' hashes, scans the entries after the last block (fewer than
 * 1,024: the block is small so that this scan of whole rows stays short), then reads the candidate
 * rows by seq and keeps those whose ref is equal, with their canonical bytes from the same read: a
 * hash that two refs share costs a read, never a wrong answer. Blocks whose entries are all
 * archived are deleted with them; the blocks are derived from {@code entries} and are rebuilt where
 * missing (a ledger written before they existed) when the writer opens.
 */
final class RefBlocks {

  /** The sequence numbers one block covers; blocks start at multiples of it. */
  static final int ENTRIES = 1024;

  private RefBlocks() {}

  /** FNV-1a (32 bits) over the ref's UTF-16 code units: stored, so it must never change. */
  static int hash(String ref) {
    int h = 0x811C9DC5;
    for (int i = 0; i < ref.length(); i++) {
      h ^= ref.charAt(i);
      h *= 0x01000193;
    }
    return h;
  }

  private static long key(String ref, long offset) {
    return (long) hash(ref) << 32 | offset;
  }

  /** The keys, sorted, as the stored array. */
  private static byte[] encode(long[] keys, int count) {
    long[] sorted = Arrays.copyOf(keys, count);
    Arrays.sort(sorted);
    ByteBuffer b = ByteBuffer.allocate(count * Long.BYTES);
    for (long k : sorted) {
      b.putLong(k);
    }
    return b.array();
  }

  /** A completed block, for the writer to insert in the transaction it is in. */
  record Full(long firstSeq, byte[] keys) {}

  /** The writer's open block: the keys of the entries after the last stored block. */
  static final class Open {

    private final long[] keys = new long[ENTRIES];
    private long first;
    private int count;

    /**
     * Stores every complete block missing below {@code size} (each in its own transaction, on the
     * writer's connection, outside any other) and reads the open block's keys from the database.
     */
    void load(Connection c, long size) throws SQLException {
      long next = Math.max(lastBlockEnd(c), alignedDown(Sqlite.archivedEnd(c)));
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO ref_blocks(first_seq, keys) VALUES (?,?)")) {
        while (next + ENTRIES <= size) {
          read(c, next);
          Sqlite.exec(c, "BEGIN IMMEDIATE");
          try {
            insert.setLong(1, next);
            insert.setBytes(2, encode(keys, count));
            insert.executeUpdate();
            Sqlite.exec(c, "COMMIT");
          } catch (SQLException | RuntimeException e) {
            Sqlite.exec(c, "ROLLBACK");
            throw e;
          }
          next += ENTRIES;
        }
      }
      read(c, next);
    }

    /** Reads the keys of the block from {@code start} into this one. */
    private void read(Connection c, long start) throws SQLException {
      first = start;
      count = 0;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT seq, ref FROM entries WHERE seq >= ? AND seq < ?")) {
        ps.setLong(1, start);
        ps.setLong(2, start + ENTRIES);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keys[count++] = key(rs.getString(2), rs.getLong(1) - start);
          }
        }
      }
    }

    /**
     * Adds the entry {@code seq}, the next after those added; returns its block when it is the
     * block's last, to be stored in the same transaction.
     */
    Full add(long seq, String ref) {
      long offset = seq - first;
      if (offset < 0 || offset >= ENTRIES) {
        throw new IllegalStateException(
            "entry " + seq + " is not in the open ref block from " + first);
      }
      keys[count++] = key(ref, offset);
      if (offset < ENTRIES - 1) {
        return null;
      }
      Full full = new Full(first, encode(keys, count));
      first += ENTRIES;
      count = 0;
      return full;
    }
  }

  private static long alignedDown(long seq) {
    return seq - seq % ENTRIES;
  }

  private static long lastBlockEnd(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT max(first_seq) FROM ref_blocks");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long last = rs.getLong(1);
      return rs.wasNull() ? 0 : last + ENTRIES;
    }
  }

  /** An entry found by its ref: its seq and its canonical bytes. */
  record Match(long seq, byte[] canonical) {}

  /**
   * The entries whose ref is one of {@code refs}, by ref, ascending; every ref a key. Each row is
   * read once: its ref to rule out another ref's hash, and its canonical bytes copied out only when
   * it matches (a blob that fits its page costs SQLite a pointer until the driver asks for it).
   * Runs in the caller's read snapshot.
   */
  static Map<String, List<Match>> lookup(Connection c, Collection<String> refs)
      throws SQLException {
    Map<String, List<Match>> found = new LinkedHashMap<>();
    Map<Integer, List<String>> byHash = new HashMap<>();
    for (String ref : refs) {
      if (found.putIfAbsent(ref, new ArrayList<>()) == null) {
        byHash.computeIfAbsent(hash(ref), h -> new ArrayList<>(1)).add(ref);
      }
    }
    List<Long> candidates = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT first_seq, keys FROM ref_blocks ORDER BY first_seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long first = rs.getLong(1);
        ByteBuffer keys = ByteBuffer.wrap(rs.getBytes(2));
        for (int h : byHash.keySet()) {
          search(keys, h, first, candidates);
        }
      }
    }
    long tail = lastBlockEnd(c);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT seq, ref, canonical FROM entries WHERE seq >= ?")) {
      ps.setLong(1, tail);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Match> matches = found.get(rs.getString(2));
          if (matches != null) {
            matches.add(new Match(rs.getLong(1), rs.getBytes(3)));
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT ref, canonical FROM entries WHERE seq = ?")) {
      for (long seq : candidates) {
        ps.setLong(1, seq);
        try (ResultSet rs = ps.executeQuery()) {
          // an archived entry's block may outlive it by a few entries; its row is gone
          if (rs.next()) {
            List<Match> matches = found.get(rs.getString(1));
            if (matches != null) {
              matches.add(new Match(seq, rs.getBytes(2)));
            }
          }
        }
      }
    }
    found.values().forEach(matches -> matches.sort(Comparator.comparingLong(Match::seq)));
    return found;
  }

  /** Adds to {@code out} the seq of every key in the sorted {@code keys} with hash {@code h}. */
  private static void search(ByteBuffer keys, int h, long first, List<Long> out) {
    long low = (long) h << 32;
    int lo = 0;
    int hi = keys.capacity() / Long.BYTES;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (keys.getLong(mid * Long.BYTES) < low) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int i = lo; i < keys.capacity() / Long.BYTES; i++) {
      long k = keys.getLong(i * Long.BYTES);
      if ((int) (k >>> 32) != h) {
        break;
      }
      out.add(first + (k & 0xFFFF_FFFFL));
    }
  }
}
