package io.vigil.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the newest checkpoint of a damaged ledger that still holds: its signature verifies with the
 * key, and the tree recomputed from the entries, as far as they can be read in order (segments
 * first, then the database), has its root at the checkpoint's size.
 *
 * <p>SQLite reads the ledger through a {@link ScratchCopy}, without a write-ahead log whose header
 * is wrong: the files themselves stay as they are, byte for byte, and so does their {@code -shm}.
 */
final class LastVerified {

  private LastVerified() {}

  static Optional<Checkpoint> find(Path database, Path segmentDirectory, VerifierKey key) {
    if (!Files.isRegularFile(database)) {
      return Optional.empty();
    }
    try (ScratchCopy copy = ScratchCopy.of(database, readWal(database), true);
        Connection c = Sqlite.openReader(copy.database(), LedgerOptions.DEFAULT_BUSY_TIMEOUT)) {
      return newestThatHolds(c, segmentDirectory, key);
    } catch (IOException | SQLException | RuntimeException e) {
      // What cannot be read verifies nothing.
      return Optional.empty();
    }
  }

  /** Whether SQLite should read the WAL too: not one whose header is wrong or foreign. */
  private static boolean readWal(Path database) throws IOException {
    return Files.size(database) == 0 || walUsable(database);
  }

  private static boolean walUsable(Path database) throws IOException {
    byte[] header = new byte[LedgerFiles.DB_HEADER_BYTES];
    try (var in = Files.newInputStream(database)) {
      if (in.readNBytes(header, 0, header.length) < header.length) {
        return false;
      }
    }
    int raw = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
    return LedgerFiles.walProblem(database, raw == 1 ? 65536 : raw).isEmpty();
  }

  private static Optional<Checkpoint> newestThatHolds(
      Connection c, Path segmentDirectory, VerifierKey key) {
    Map<Long, Checkpoint> signed = signedCheckpoints(c, key);
    if (signed.isEmpty()) {
      return Optional.empty();
    }
    Frontier tree = new Frontier();
    Checkpoint[] best = {null};
    Frontier.Sink none = (level, index, hash) -> {};
    Runnable check =
        () -> {
          Checkpoint at = signed.get(tree.size());
          if (at != null && MessageDigest.isEqual(tree.root(), at.root().unsafeBytes())) {
            best[0] = at;
          }
        };
    try {
      for (String[] segment : segments(c)) {
        long first = Long.parseLong(segment[0]);
        if (first != tree.size()) {
          return Optional.ofNullable(best[0]);
        }
        SegmentFile.read(
            segmentDirectory.resolve(segment[1]),
            (seq, bytes) -> {
              tree.append(Digests.leaf(bytes), none);
              check.run();
            });
      }
      try (PreparedStatement ps =
          c.prepareStatement("SELECT seq, canonical FROM entries WHERE seq >= ? ORDER BY seq")) {
        ps.setLong(1, tree.size());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && rs.getLong(1) == tree.size()) {
            tree.append(Digests.leaf(rs.getBytes(2)), none);
            check.run();
          }
        }
      }
    } catch (IOException | SQLException | RuntimeException e) {
      // The readable part ends here.
    }
    return Optional.ofNullable(best[0]);
  }

  /** The stored checkpoints whose signature verifies, by size; as many as can be read. */
  private static Map<Long, Checkpoint> signedCheckpoints(Connection c, VerifierKey key) {
    Map<Long, Checkpoint> signed = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT size, note FROM checkpoints ORDER BY size")) {
      while (rs.next()) {
        try {
          Checkpoint checkpoint = Checkpoint.open(rs.getString(2), key);
          if (checkpoint.size() == rs.getLong(1) && checkpoint.size() > 0) {
            signed.put(checkpoint.size(), checkpoint);
          }
        } catch (AuditException e) {
          // forged or damaged: not one that holds
        }
      }
    } catch (SQLException e) {
      // the rest of the table cannot be read
    }
    return signed;
  }

  /** The segments table's first_seq and file, in order; none if it cannot be read. */
  private static List<String[]> segments(Connection c) {
    List<String[]> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT first_seq, file FROM segments ORDER BY idx")) {
      while (rs.next()) {
        rows.add(new String[] {Long.toString(rs.getLong(1)), rs.getString(2)});
      }
    } catch (SQLException e) {
      // read what can be read
    }
    return rows;
  }
}
