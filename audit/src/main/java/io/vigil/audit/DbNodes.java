package io.vigil.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Subtree hashes from the nodes table of one connection. */
final class DbNodes implements NodeSource, AutoCloseable {

  private final PreparedStatement select;

  DbNodes(Connection c) throws SQLException {
    this.select = c.prepareStatement("SELECT hash FROM nodes WHERE pos = ?");
  }

  /** The stored hash, or null where there is none. */
  byte[] find(int level, long index) {
    try {
      select.setLong(1, PostOrder.position(level, index));
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    } catch (SQLException e) {
      throw new AuditException(
          AuditException.Code.READ_FAILED,
          "could not read the ledger's tree: " + e.getMessage(),
          e);
    }
  }

  @Override
  public byte[] node(int level, long index) {
    byte[] hash = find(level, index);
    if (hash == null) {
      throw missing(level, index);
    }
    return hash;
  }

  static AuditException missing(int level, long index) {
    return new AuditException(
        AuditException.Code.CORRUPT,
        "the ledger's tree has no node at level " + level + ", index " + index);
  }

  @Override
  public void close() throws SQLException {
    select.close();
  }
}
