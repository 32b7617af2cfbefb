package io.vigil.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The writer's prepared statements, all on its one connection. */
final class WriteStatements implements AutoCloseable {

  private final Connection connection;
  private final WriterHooks hooks;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement entry;
  private final PreparedStatement node;
  private final PreparedStatement checkpoint;
  private final PreparedStatement segment;
  private final PreparedStatement deleteEntries;
  private final PreparedStatement deleteNodes;
  private final PreparedStatement refBlock;
  private final PreparedStatement deleteRefBlocks;
  // Rows added to the entry and node batches since the last commit.
  private int entries;
  private int nodes;

  WriteStatements(Connection c, WriterHooks hooks) throws SQLException {
    this.connection = c;
    this.hooks = hooks;
    this.begin = c.prepareStatement("BEGIN IMMEDIATE");
    this.commit = c.prepareStatement("COMMIT");
    this.entry =
        c.prepareStatement(
            "INSERT INTO entries(seq, time, kind, ref, model_id, canonical) VALUES (?,?,?,?,?,?)");
    this.node = c.prepareStatement("INSERT INTO nodes(pos, level, idx, hash) VALUES (?,?,?,?)");
    this.checkpoint =
        c.prepareStatement("INSERT INTO checkpoints(size, time, note) VALUES (?,?,?)");
    this.segment =
        c.prepareStatement(
            "INSERT INTO segments(idx, level, first_seq, count, root, file, sha256,"
                + " checkpoint_size, archived_at) VALUES (?,?,?,?,?,?,?,?,?)");
    this.deleteEntries = c.prepareStatement("DELETE FROM entries WHERE seq >= ? AND seq < ?");
    this.deleteNodes = c.prepareStatement("DELETE FROM nodes WHERE pos >= ? AND pos < ?");
    this.refBlock = c.prepareStatement("INSERT INTO ref_blocks(first_seq, keys) VALUES (?,?)");
    this.deleteRefBlocks =
        c.prepareStatement(
            "DELETE FROM ref_blocks WHERE first_seq + " + RefBlocks.ENTRIES + " <= ?");
  }

  Connection connection() {
    return connection;
  }

  void begin() throws SQLException {
    if (entries > 0 || nodes > 0) {
      // Rows of a transaction that failed before its commit: never part of the next one.
      entry.clearBatch();
      node.clearBatch();
      entries = 0;
      nodes = 0;
    }
    begin.execute();
  }

  /**
   * Inserts the entries and tree nodes queued since {@link #begin} and commits. They go to SQLite
   * in one {@code executeBatch} a table, not one {@code executeUpdate} a row: the driver then binds
   * and steps each row in one loop, without the reset, change count and auto-commit probe it makes
   * after each statement it runs (1.0 to 1.9 µs less of the writer's CPU a prediction:
   * BENCHMARKS.md, issue 19). A failure leaves nothing queued: the writer closes these statements
   * after any failed transaction, and the queues are cleared here as well.
   */
  void commit() throws SQLException {
    try {
      if (entries > 0) {
        entry.executeBatch();
      }
      if (nodes > 0) {
        node.executeBatch();
      }
    } finally {
      if (entries > 0) {
        entry.clearBatch();
      }
      if (nodes > 0) {
        node.clearBatch();
      }
      entries = 0;
      nodes = 0;
    }
    commit.execute();
    hooks.committed();
  }

  /** Queues an entry's row; {@link #commit} inserts it. */
  void entry(long seq, String time, EntryCodec.Encoded e, byte[] canonical) throws SQLException {
    entry.setLong(1, seq);
    entry.setString(2, time);
    entry.setString(3, e.kind());
    entry.setString(4, e.ref());
    entry.setString(5, e.modelId());
    entry.setBytes(6, canonical);
    entry.addBatch();
    entries++;
  }

  void refBlock(RefBlocks.Full block) throws SQLException {
    refBlock.setLong(1, block.firstSeq());
    refBlock.setBytes(2, block.keys());
    refBlock.executeUpdate();
  }

  /** Queues a tree node's row; {@link #commit} inserts it. */
  void node(int level, long index, byte[] hash) throws SQLException {
    node.setLong(1, PostOrder.position(level, index));
    node.setInt(2, level);
    node.setLong(3, index);
    node.setBytes(4, hash);
    node.addBatch();
    nodes++;
  }

  void checkpoint(long size, String time, String note) throws SQLException {
    checkpoint.setLong(1, size);
    checkpoint.setString(2, time);
    checkpoint.setString(3, note);
    checkpoint.executeUpdate();
  }

  /**
   * Records a sealed segment and deletes its entries and the nodes below its subtree root, which
   * stays; the caller commits.
   */
  void segment(Segment s, String time) throws SQLException {
    segment.setLong(1, s.index());
    segment.setInt(2, s.level());
    segment.setLong(3, s.firstSeq());
    segment.setLong(4, s.count());
    segment.setBytes(5, s.root().unsafeBytes());
    segment.setString(6, s.file());
    segment.setString(7, s.sha256());
    segment.setLong(8, s.checkpointSize());
    segment.setString(9, time);
    segment.executeUpdate();
    deleteEntries.setLong(1, s.firstSeq());
    deleteEntries.setLong(2, s.endSeq());
    if (deleteEntries.executeUpdate() != s.count()) {
      throw new SQLException("the entries of " + s + " were not all in the database");
    }
    // The subtree is one run of positions, from its first leaf to its root, which stays.
    long first = PostOrder.position(0, s.firstSeq());
    long root = PostOrder.position(s.level(), s.index());
    deleteNodes.setLong(1, first);
    deleteNodes.setLong(2, root);
    if (deleteNodes.executeUpdate() != root - first) {
      throw new SQLException("the tree nodes below " + s + " were not all in the database");
    }
    // The ref blocks whose entries are now all archived: lookups do not search archived entries.
    deleteRefBlocks.setLong(1, s.endSeq());
    deleteRefBlocks.executeUpdate();
  }

  @Override
  public void close() {
    for (PreparedStatement ps :
        new PreparedStatement[] {
          begin,
          commit,
          entry,
          node,
          checkpoint,
          segment,
          deleteEntries,
          deleteNodes,
          refBlock,
          deleteRefBlocks
        }) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
