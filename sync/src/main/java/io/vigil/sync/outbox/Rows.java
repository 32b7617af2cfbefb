package io.vigil.sync.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The SQL of the {@code messages} table, in one place. */
final class Rows {

  static final String INSERT =
      "INSERT INTO messages(seq, kind, topic_suffix, priority, created_at, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  static final String SELECT =
      "SELECT seq, kind, topic_suffix, priority, created_at, payload FROM messages";

  private Rows() {}

  static void bind(
      PreparedStatement insert,
      long seq,
      Kind kind,
      String topicSuffix,
      Priority priority,
      Instant createdAt,
      byte[] payload)
      throws SQLException {
    insert.setLong(1, seq);
    insert.setString(2, kind.wireName());
    insert.setString(3, topicSuffix);
    insert.setString(4, priority.wireName());
    insert.setLong(5, createdAt.toEpochMilli());
    insert.setBytes(6, payload);
  }

  static Pending read(ResultSet rs) throws SQLException {
    return new Pending(
        rs.getLong(1),
        Kind.fromWireName(rs.getString(2)),
        rs.getString(3),
        Priority.fromWireName(rs.getString(4)),
        Instant.ofEpochMilli(rs.getLong(5)),
        rs.getBytes(6));
  }

  /** The payload length and 1 for a safety row (else 0) of row {@code seq}, if it is there. */
  static Optional<long[]> sizeAndSafety(Connection c, long seq) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT length(payload), priority = 'safety' FROM messages WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new long[] {rs.getLong(1), rs.getLong(2)})
            : Optional.empty();
      }
    }
  }

  static Optional<Instant> oldestCreatedAt(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT created_at FROM messages ORDER BY seq LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
    }
  }
}
