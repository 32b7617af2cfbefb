package io.vigil.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Walks the stored nodes of one level in index order. */
final class NodeCursor implements AutoCloseable {

  private final PreparedStatement statement;
  private final ResultSet rows;
  private boolean more;

  NodeCursor(Connection c, int level, long fromIndex) throws SQLException {
    statement =
        c.prepareStatement("SELECT idx, hash FROM nodes WHERE level = ? AND idx >= ? ORDER BY idx");
    statement.setInt(1, level);
    statement.setLong(2, fromIndex);
    rows = statement.executeQuery();
    more = rows.next();
  }

  /** The stored hash at this index, or null; indexes must be asked for in increasing order. */
  byte[] take(long index) throws SQLException {
    while (more && rows.getLong(1) < index) {
      more = rows.next();
    }
    if (more && rows.getLong(1) == index) {
      byte[] hash = rows.getBytes(2);
      more = rows.next();
      return hash;
    }
    return null;
  }

  @Override
  public void close() throws SQLException {
    rows.close();
    statement.close();
  }
}
