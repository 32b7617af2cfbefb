package io.vigil.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to a ledger on its own read-only connection: entries, subtree nodes (from the
 * database, or recomputed from a segment file for archived ranges), checkpoints and segments. Every
 * public operation of the reader runs in one read transaction, so it sees one snapshot.
 */
final class LedgerStore implements NodeSource, AutoCloseable {

  /** Work done inside one read snapshot. */
  interface Work<T> {
    T run() throws SQLException, IOException;
  }

  /** One row of the entries table. */
  record Row(long seq, String time, String kind, String ref, String modelId, byte[] canonical) {}

  /** Receives rows in sequence order. */
  interface RowVisitor {
    void row(Row row);
  }

  private final Path database;
  private final Connection connection;
  private final DbNodes nodes;
  private final Path segmentDirectory;
  private final String origin;
  private final int segmentLevel;
  private List<Segment> segments = List.of();
  private long cachedSegment = -1;
  private byte[][][] cachedLevels;

  private LedgerStore(Path database, Connection c, Path segmentDirectory) throws SQLException {
    int version = Sqlite.userVersion(c);
    if (version != Sqlite.SCHEMA_VERSION) {
      throw new SQLException(
          "its schema version is "
              + version
              + " and this version of Vigil reads version "
              + Sqlite.SCHEMA_VERSION
              + (version < Sqlite.SCHEMA_VERSION
                  ? "; the gateway migrates a ledger when it opens it (vigil serve), so start it"
                      + " once on this data directory, or on a copy of it"
                  : ""));
    }
    this.database = database;
    this.connection = c;
    this.segmentDirectory = segmentDirectory;
    this.nodes = new DbNodes(c);
    this.origin =
        Sqlite.meta(c, "origin")
            .orElseThrow(() -> new SQLException("not a ledger database: it has no origin"));
    String level = Sqlite.meta(c, "segment_level").orElse("16");
    try {
      this.segmentLevel = Integer.parseInt(level);
    } catch (NumberFormatException e) {
      throw new SQLException("its segment level is not a number: " + level, e);
    }
  }

  static LedgerStore open(Path database, Path segmentDirectory, Duration busyTimeout) {
    return open(database, segmentDirectory, busyTimeout, false);
  }

  static LedgerStore open(
      Path database, Path segmentDirectory, Duration busyTimeout, boolean immutable) {
    Connection c = null;
    try {
      c = Sqlite.openReader(database, busyTimeout, immutable);
      return new LedgerStore(database, c, segmentDirectory);
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already failing
        }
      }
      if (SqliteErrors.damaged(e)) {
        throw Damage.of(database, "SQLite reports " + e.getMessage(), e);
      }
      throw new AuditException(
          AuditException.Code.READ_FAILED,
          "could not open the ledger " + database + " for reading: " + e.getMessage(),
          e);
    }
  }

  Path database() {
    return database;
  }

  String origin() {
    return origin;
  }

  int segmentLevel() {
    return segmentLevel;
  }

  Path segmentDirectory() {
    return segmentDirectory;
  }

  /** Runs the work in one read transaction. */
  <T> T snapshot(Work<T> work) {
    try {
      Sqlite.exec(connection, "BEGIN");
      try {
        segments = readSegments();
        return work.run();
      } finally {
        endReadTransaction();
      }
    } catch (SQLException e) {
      if (SqliteErrors.damaged(e)) {
        throw Damage.of(database, "SQLite reports " + e.getMessage(), e);
      }
      throw new AuditException(
          AuditException.Code.READ_FAILED, "could not read the ledger: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AuditException(
          AuditException.Code.READ_FAILED, "segment or output I/O failed: " + e.getMessage(), e);
    }
  }

  /**
   * Ends the snapshot. A read transaction has nothing to lose; once a read met a damaged page,
   * SQLite reports that again at COMMIT, which must not hide what the work found.
   */
  private void endReadTransaction() {
    try {
      Sqlite.exec(connection, "COMMIT");
    } catch (SQLException e) {
      try {
        Sqlite.exec(connection, "ROLLBACK");
      } catch (SQLException ended) {
        // no transaction is active any more
      }
    }
  }

  List<Segment> segments() {
    return segments;
  }

  long archivedEnd() {
    return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).endSeq();
  }

  long size() throws SQLException {
    return Sqlite.size(connection);
  }

  Optional<Checkpoint> latestCheckpoint() throws SQLException {
    return Sqlite.latestCheckpoint(connection);
  }

  /** A row of the checkpoints table. */
  record CheckpointRow(long size, String note) {}

  /** Every stored checkpoint, smallest size first. */
  List<CheckpointRow> checkpointRows() throws SQLException {
    List<CheckpointRow> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT size, note FROM checkpoints ORDER BY size")) {
      while (rs.next()) {
        rows.add(new CheckpointRow(rs.getLong(1), rs.getString(2)));
      }
    }
    return rows;
  }

  void rows(long from, long to, RowVisitor visitor) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT seq, time, kind, ref, model_id, canonical FROM entries"
                + " WHERE seq >= ? AND seq < ? ORDER BY seq")) {
      ps.setLong(1, from);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          visitor.row(
              new Row(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getBytes(6)));
        }
      }
    }
  }

  /**
   * Each ref's entries, oldest first, found through the ref blocks ({@link RefBlocks}); archived
   * entries are not searched.
   */
  Map<String, List<StoredEntry>> byRefs(Collection<String> refs) throws SQLException {
    Map<String, List<StoredEntry>> found = new LinkedHashMap<>();
    for (Map.Entry<String, List<RefBlocks.Match>> e :
        RefBlocks.lookup(connection, refs).entrySet()) {
      List<StoredEntry> out = new ArrayList<>(e.getValue().size());
      for (RefBlocks.Match m : e.getValue()) {
        out.add(EntryCodec.decodeStored(m.seq(), m.canonical()));
      }
      found.put(e.getKey(), List.copyOf(out));
    }
    return found;
  }

  /** The canonical bytes of entries from..to-1, from the database or from segment files. */
  List<byte[]> canonical(long from, long to) throws SQLException, IOException {
    List<byte[]> out = new ArrayList<>((int) Math.min(to - from, 1 << 16));
    for (Segment s : segments) {
      if (s.endSeq() > from && s.firstSeq() < to) {
        SegmentFile.read(
            segmentDirectory.resolve(s.file()),
            (seq, bytes) -> {
              if (seq >= from && seq < to) {
                out.add(bytes);
              }
            });
      }
    }
    long next = Math.max(from, archivedEnd());
    long[] expected = {next};
    rows(
        next,
        to,
        row -> {
          if (row.seq() != expected[0]) {
            throw new AuditException(
                AuditException.Code.CORRUPT, "the ledger has no entry " + expected[0]);
          }
          expected[0]++;
          out.add(row.canonical());
        });
    return out;
  }

  @Override
  public byte[] node(int level, long index) {
    byte[] hash = nodes.find(level, index);
    if (hash != null) {
      return hash;
    }
    if (level < segmentLevel && (index << level) < archivedEnd()) {
      return segmentNode(level, index);
    }
    throw DbNodes.missing(level, index);
  }

  byte[] storedNode(int level, long index) {
    return nodes.find(level, index);
  }

  private byte[] segmentNode(int level, long index) {
    long segment = (index << level) >>> segmentLevel;
    // Segments are immutable: the cache holds across snapshots while the segment's node stays.
    if (segment != cachedSegment
        || !java.util.Arrays.equals(
            cachedLevels[segmentLevel][0], nodes.find(segmentLevel, segment))) {
      if (segment >= segments.size() || segments.get((int) segment).index() != segment) {
        throw new AuditException(
            AuditException.Code.CORRUPT, "the ledger's segments table has no segment " + segment);
      }
      cachedLevels = segmentTree(segments.get((int) segment));
      cachedSegment = segment;
    }
    return cachedLevels[level][(int) (index - (segment << (segmentLevel - level)))];
  }

  /** Every level of a segment's subtree, recomputed from its file and checked against its node. */
  private byte[][][] segmentTree(Segment s) {
    byte[][][] levels = new byte[s.level() + 1][][];
    levels[0] = new byte[(int) s.count()][];
    try {
      SegmentFile.read(
          segmentDirectory.resolve(s.file()),
          (seq, bytes) -> levels[0][(int) (seq - s.firstSeq())] = Digests.leaf(bytes));
    } catch (IOException | RuntimeException e) {
      throw new AuditException(
          AuditException.Code.READ_FAILED, "could not read " + s + ": " + e.getMessage(), e);
    }
    for (int l = 1; l <= s.level(); l++) {
      levels[l] = new byte[levels[l - 1].length / 2][];
      for (int i = 0; i < levels[l].length; i++) {
        levels[l][i] = Digests.node(levels[l - 1][2 * i], levels[l - 1][2 * i + 1]);
      }
    }
    byte[] stored = nodes.find(s.level(), s.index());
    if (stored == null || !java.util.Arrays.equals(stored, levels[s.level()][0])) {
      throw new AuditException(
          AuditException.Code.CORRUPT, s + " does not hash to the ledger's node for it");
    }
    return levels;
  }

  private List<Segment> readSegments() throws SQLException {
    List<Segment> list = new ArrayList<>();
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT idx, level, first_seq, count, root, file, sha256, checkpoint_size"
                    + " FROM segments ORDER BY idx")) {
      while (rs.next()) {
        list.add(
            new Segment(
                rs.getLong(1),
                rs.getInt(2),
                rs.getLong(3),
                rs.getLong(4),
                Hash.of(rs.getBytes(5)),
                rs.getString(6),
                rs.getString(7),
                rs.getLong(8)));
      }
    }
    return List.copyOf(list);
  }

  Connection connection() {
    return connection;
  }

  @Override
  public void close() {
    try {
      nodes.close();
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to do
    }
  }
}
