package io.vigil.audit;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Re-checks the newest entries against the stored tree before the writer acknowledges anything:
 * every entry after the latest checkpoint, at most {@link #MAX_ENTRIES}, is hashed again from its
 * stored canonical bytes, every tree node that its append completed must be stored as recomputed,
 * the stored tree must end where the entries end, and its root at the checkpoint's size must be the
 * checkpoint's root.
 *
 * <p>Run when the writer opens the ledger and after every failed transaction: a failed {@code
 * fsync} may have dropped pages that a later one reports as written (PostgreSQL's 2018 lesson), so
 * neither the connection nor the last commit is trusted until this passes.
 */
final class TailCheck {

  /** The most entries re-checked: a commit holds at most a batch, and a batch at most 1024. */
  static final int MAX_ENTRIES = 1024;

  /** The right edge of the checked tree and how many entries were hashed again. */
  record Result(Frontier frontier, long rechecked) {}

  private TailCheck() {}

  /**
   * Checks the ledger of {@code size} entries whose latest stored checkpoint is {@code latest}
   * (null if none).
   *
   * @throws AuditException {@code DAMAGED} naming the first thing that does not hold
   */
  static Result run(Connection c, Path database, long size, Checkpoint latest) throws SQLException {
    long checkpointSize = latest == null ? 0 : latest.size();
    if (checkpointSize > size) {
      throw Damage.of(
          database,
          "its latest checkpoint covers "
              + checkpointSize
              + " entries but it holds only "
              + size
              + ": committed entries were lost");
    }
    long count = Math.min(size - checkpointSize, MAX_ENTRIES);
    long base = size - count;
    try (DbNodes nodes = new DbNodes(c)) {
      if (latest != null
          && !MessageDigest.isEqual(
              new Merkle(nodes).root(checkpointSize), latest.root().unsafeBytes())) {
        throw Damage.of(
            database,
            "its tree of " + checkpointSize + " entries does not match its latest checkpoint");
      }
      Frontier frontier = Frontier.load(base, nodes);
      long next = rehash(c, database, nodes, frontier, base);
      if (next != size) {
        throw Damage.of(database, "entry " + next + " is missing");
      }
      checkTreeEnd(c, database, size);
      return new Result(frontier, count);
    } catch (AuditException e) {
      if (e.code() == AuditException.Code.CORRUPT) {
        throw Damage.of(database, e.getMessage(), e);
      }
      throw e;
    }
  }

  /** Appends the stored entries from {@code base} to the frontier; returns the seq after them. */
  private static long rehash(
      Connection c, Path database, DbNodes nodes, Frontier frontier, long base)
      throws SQLException {
    long next = base;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT seq, canonical FROM entries WHERE seq >= ? ORDER BY seq")) {
      ps.setLong(1, base);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          if (seq != next) {
            throw Damage.of(database, "entry " + next + " is missing");
          }
          frontier.append(
              Digests.leaf(rs.getBytes(2)),
              (level, index, hash) -> {
                byte[] stored = nodes.find(level, index);
                if (stored == null || !MessageDigest.isEqual(stored, hash)) {
                  throw Damage.of(
                      database,
                      level == 0
                          ? "entry " + seq + " does not hash to its stored leaf"
                          : Findings.node(level, index)
                              + " is not the hash of the entries below it");
                }
              });
          next++;
        }
      }
    }
    return next;
  }

  /** The last stored node must be the one the append of the last entry completed. */
  private static void checkTreeEnd(Connection c, Path database, long size) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(pos) FROM nodes")) {
      rs.next();
      long max = rs.getLong(1);
      if (rs.wasNull()) {
        max = -1;
      }
      long expected = size == 0 ? -1 : 2 * size - Long.bitCount(size) - 1;
      if (max != expected) {
        throw Damage.of(
            database,
            "its stored tree ends at position "
                + max
                + ", not where its "
                + size
                + " entries end ("
                + expected
                + ")");
      }
    }
  }
}
