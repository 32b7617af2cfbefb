package io.vigil.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads the stored nodes of one level in index order, each by its post-order position. */
final class NodeCursor implements AutoCloseable {

  private final PreparedStatement statement;
  private final int level;

  NodeCursor(Connection c, int level) throws SQLException {
    this.statement = c.prepareStatement("SELECT hash FROM nodes WHERE pos = ?");
    this.level = level;
  }

  /** The stored hash at this index, or null. */
  byte[] take(long index) throws SQLException {
    statement.setLong(1, PostOrder.position(level, index));
    try (ResultSet rows = statement.executeQuery()) {
      return rows.next() ? rows.getBytes(1) : null;
    }
  }

  @Override
  public void close() throws SQLException {
    statement.close();
  }
}
