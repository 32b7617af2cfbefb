package io.vigil.sync.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the outbox does when it is full, inside the append's transaction: drops the oldest unsent
 * routine summaries, then the oldest unsent routine events, until the rows fit with room for one
 * marker; then writes the one unsent {@code outbox.dropped} marker, replacing an unsent earlier one
 * so that markers never pile up. Safety rows and the marker itself are never dropped.
 */
final class FullPolicy {

  /**
   * What is in the outbox after the policy ran.
   *
   * @param rows the rows now
   * @param bytes their payload bytes
   * @param nextSeq the next sequence number (one more if a marker was written)
   * @param droppedNow the rows dropped by this call, replaced markers included
   * @param marker the marker written, if any
   */
  record Result(
      long rows, long bytes, long nextSeq, long droppedNow, Optional<DropMarker> marker) {}

  private record Candidate(long seq, Kind kind, long size) {}

  private FullPolicy() {}

  static Result enforce(
      Connection c, OutboxOptions options, long rows, long bytes, long nextSeq, Instant now)
      throws SQLException {
    if (rows <= options.maxRows() && bytes <= options.maxBytes()) {
      return new Result(rows, bytes, nextSeq, 0, Optional.empty());
    }
    long rowTarget = options.maxRows() - 1;
    long byteTarget = options.maxBytes() - Outbox.MARKER_RESERVE_BYTES;
    List<Candidate> drop = new ArrayList<>();
    for (Kind kind : List.of(Kind.SUMMARY, Kind.EVENT)) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT seq, length(payload) FROM messages"
                  + " WHERE priority = 'routine' AND kind = ? ORDER BY seq")) {
        ps.setString(1, kind.wireName());
        try (ResultSet rs = ps.executeQuery()) {
          while ((rows > rowTarget || bytes > byteTarget) && rs.next()) {
            Candidate candidate = new Candidate(rs.getLong(1), kind, rs.getLong(2));
            drop.add(candidate);
            rows--;
            bytes -= candidate.size();
          }
        }
      }
    }
    if (drop.isEmpty()) {
      // Only safety rows and the marker are left: they are kept over the limit.
      return new Result(rows, bytes, nextSeq, 0, Optional.empty());
    }
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM messages WHERE seq = ?")) {
      for (Candidate d : drop) {
        delete.setLong(1, d.seq());
        delete.addBatch();
      }
      delete.executeBatch();
    }
    long summaries = drop.stream().filter(d -> d.kind() == Kind.SUMMARY).count();
    DropMarker marker =
        new DropMarker(
            drop.stream().mapToLong(Candidate::seq).min().orElseThrow(),
            drop.stream().mapToLong(Candidate::seq).max().orElseThrow(),
            summaries,
            drop.size() - summaries,
            0);
    long droppedNow = drop.size();
    Optional<Pending> earlier = unsentMarker(c);
    if (earlier.isPresent()) {
      Pending old = earlier.get();
      DropMarker oldMarker = DropMarker.parse(old.payload());
      // The replaced marker's own number becomes a gap that the new marker explains.
      marker = marker.merge(oldMarker).merge(new DropMarker(old.seq(), old.seq(), 0, 0, 1));
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM messages WHERE seq = ?")) {
        delete.setLong(1, old.seq());
        delete.executeUpdate();
      }
      rows--;
      bytes -= old.payload().length;
      droppedNow++;
    }
    byte[] body = marker.toJson();
    try (PreparedStatement insert = c.prepareStatement(Rows.INSERT)) {
      Rows.bind(
          insert, nextSeq, Kind.DROPPED, Outbox.MARKER_TOPIC_SUFFIX, Priority.ROUTINE, now, body);
      insert.executeUpdate();
    }
    return new Result(rows + 1, bytes + body.length, nextSeq + 1, droppedNow, Optional.of(marker));
  }

  private static Optional<Pending> unsentMarker(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(Rows.SELECT + " WHERE kind = ? ORDER BY seq DESC LIMIT 1")) {
      ps.setString(1, Kind.DROPPED.wireName());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(Rows.read(rs)) : Optional.empty();
      }
    }
  }
}
