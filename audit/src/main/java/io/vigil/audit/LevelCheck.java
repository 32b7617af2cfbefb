package io.vigil.audit;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Checks the stored tree above the leaves, one level at a time: every complete subtree is present
 * and is the hash of its two children, which were checked one level down; nodes below archived
 * segments are gone and no node reaches past the last entry.
 */
final class LevelCheck {

  private LevelCheck() {}

  static void check(
      Connection c,
      long size,
      long archivedEnd,
      int segmentLevel,
      Map<Long, byte[]> segmentRoots,
      Findings findings)
      throws SQLException {
    try (DbNodes nodes = new DbNodes(c)) {
      for (int level = 1; level < 63 && (size >>> level) > 0; level++) {
        long top = size >>> level;
        long from = level < segmentLevel ? archivedEnd >>> level : 0;
        for (long i = from; i < top; i++) {
          byte[] stored = nodes.find(level, i);
          byte[] expected;
          if (level == segmentLevel && (i << level) < archivedEnd) {
            expected = segmentRoots.get(i);
          } else {
            byte[] left = nodes.find(level - 1, 2 * i);
            byte[] right = nodes.find(level - 1, 2 * i + 1);
            expected = left == null || right == null ? null : Digests.node(left, right);
          }
          if (stored == null) {
            findings.fail(Findings.node(level, i), "is missing from the stored tree");
          } else if (expected != null && !MessageDigest.isEqual(stored, expected)) {
            findings.fail(
                Findings.node(level, i),
                "is not the hash of its children at level "
                    + (level - 1)
                    + ": the stored tree was altered");
          }
        }
      }
    }
    positions(c, findings);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT level, idx FROM nodes WHERE ((idx + 1) << level) > ?"
                + " OR (level < ? AND (idx << level) < ?) ORDER BY level, idx LIMIT 1")) {
      ps.setLong(1, size);
      ps.setInt(2, segmentLevel);
      ps.setLong(3, archivedEnd);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          int level = rs.getInt(1);
          long idx = rs.getLong(2);
          boolean beyond = ((idx + 1) << level) > size;
          findings.fail(
              Findings.node(level, idx),
              beyond
                  ? "covers entries beyond the last one ("
                      + (size - 1)
                      + "): entries were removed from the end"
                  : "lies inside an archived segment and should have been removed with it");
        }
      }
    }
  }

  /** Every node is stored at the position its level and index give it. */
  private static void positions(Connection c, Findings findings) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pos, level, idx FROM nodes");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long pos = rs.getLong(1);
        int level = rs.getInt(2);
        long idx = rs.getLong(3);
        long expected;
        try {
          expected = PostOrder.position(level, idx);
        } catch (IllegalArgumentException e) {
          expected = -1;
        }
        if (pos != expected) {
          findings.fail(
              Findings.node(level, idx),
              "is stored at position "
                  + pos
                  + (expected < 0 ? ", but no such subtree exists" : " instead of " + expected)
                  + ": the stored tree was altered");
          return;
        }
      }
    }
  }
}
