package io.vigil.sync.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

  @TempDir Path dir;

  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));

  private Outbox open() {
    return Outbox.open(OutboxOptions.defaults(dir), clock);
  }

  private static byte[] body(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Long> seqs(List<Pending> rows) {
    return rows.stream().map(Pending::seq).toList();
  }

  @Test
  void assignsSequenceNumbersInOrderAndNeverReusesThemAcrossReopen() {
    try (Outbox box = open()) {
      assertEquals(1, box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE));
      assertEquals(2, box.append(Kind.EVENT, "events", body("{}"), Priority.SAFETY));
      assertEquals(3, box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE));
      for (long seq = 1; seq <= 3; seq++) {
        assertTrue(box.markSent(seq));
      }
      assertEquals(List.of(), box.next(10));
    }
    try (Outbox box = open()) {
      // Every row was sent and deleted: the number comes from the counter, not from max(seq).
      assertEquals(4, box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE));
      assertEquals(List.of(5L, 6L), box.appendAll(List.of(summary("a"), summary("b"))));
      assertEquals(List.of(4L, 5L, 6L), seqs(box.next(10)));
      assertEquals(7, box.stats().nextSeq());
    }
  }

  @Test
  void returnsUnsentRowsInSequenceOrderWithWhatWasAppended() {
    try (Outbox box = open()) {
      box.append(Kind.SUMMARY, "summary", body("{\"a\":1}"), Priority.ROUTINE);
      box.append(Kind.EVENT, "events", body("{\"b\":2}"), Priority.SAFETY);
      box.append(Kind.EVENT, "events", body("{\"c\":3}"), Priority.ROUTINE);

      List<Pending> rows = box.next(2);
      assertEquals(List.of(1L, 2L), seqs(rows));
      Pending safety = rows.get(1);
      assertEquals(Kind.EVENT, safety.kind());
      assertEquals(Priority.SAFETY, safety.priority());
      assertEquals("events", safety.topicSuffix());
      assertEquals("{\"b\":2}", new String(safety.payload(), StandardCharsets.UTF_8));
      assertEquals(clock.instant(), safety.createdAt());
      assertEquals(List.of(3L), seqs(box.next(2, 10)));
    }
  }

  @Test
  void marksSentOnlyTheRowItIsTold() {
    try (Outbox box = open()) {
      for (int i = 0; i < 5; i++) {
        box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE);
      }
      assertTrue(box.markSent(3));
      assertFalse(box.markSent(3), "a second PUBACK for the same row");
      assertFalse(box.markSent(99), "a row that never was");
      assertEquals(List.of(1L, 2L, 4L, 5L), seqs(box.next(10)));
      assertEquals(4, box.stats().rows());
    }
  }

  @Test
  void fullOutboxDropsOldestSummariesFirstWithAMarkerAndNeverASafetyEvent() {
    OutboxOptions small = OutboxOptions.defaults(dir).withLimits(OutboxOptions.MIN_MAX_BYTES, 6);
    try (Outbox box = Outbox.open(small, clock)) {
      box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE); // 1
      box.append(Kind.EVENT, "events", body("{}"), Priority.SAFETY); // 2
      box.append(Kind.EVENT, "events", body("{}"), Priority.ROUTINE); // 3
      box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE); // 4
      box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE); // 5
      box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE); // 6, full now

      // Room for 7 and the marker: the two oldest summaries go, not the older routine event.
      assertEquals(7, box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE));

      List<Pending> rows = box.next(100);
      assertEquals(List.of(2L, 3L, 5L, 6L, 7L, 8L), seqs(rows));
      Pending marker = rows.get(5);
      assertEquals(Kind.DROPPED, marker.kind());
      assertEquals(Outbox.MARKER_TOPIC_SUFFIX, marker.topicSuffix());
      assertEquals(new DropMarker(1, 4, 2, 0, 0), DropMarker.parse(marker.payload()));
      OutboxStats stats = box.stats();
      assertEquals(2, stats.droppedTotal());
      assertEquals(6, stats.rows());
      assertFalse(stats.overLimit());
    }
  }

  @Test
  void replacesAnUnsentMarkerSoThatMarkersNeverPileUp() {
    OutboxOptions small = OutboxOptions.defaults(dir).withLimits(OutboxOptions.MIN_MAX_BYTES, 4);
    try (Outbox box = Outbox.open(small, clock)) {
      for (int i = 0; i < 10; i++) {
        box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE);
      }
      List<Pending> rows = box.next(100);
      List<Pending> markers = rows.stream().filter(p -> p.kind() == Kind.DROPPED).toList();
      assertEquals(1, markers.size(), "one unsent marker: " + seqs(rows));
      DropMarker m = DropMarker.parse(markers.get(0).payload());
      // Every number below the oldest kept summary that is not kept is explained by the marker.
      long oldestKeptSummary =
          rows.stream()
              .filter(p -> p.kind() == Kind.SUMMARY)
              .mapToLong(Pending::seq)
              .min()
              .orElseThrow();
      assertEquals(1, m.firstSeq());
      assertTrue(m.lastSeq() >= oldestKeptSummary - 1, m.toString());
      assertEquals(box.stats().droppedTotal(), m.dropped());
      assertTrue(box.stats().rows() <= 4);
    }
  }

  @Test
  void keepsSafetyEventsOverTheLimitAndReportsItInStats() {
    OutboxOptions small = OutboxOptions.defaults(dir).withLimits(OutboxOptions.MIN_MAX_BYTES, 3);
    try (Outbox box = Outbox.open(small, clock)) {
      for (int i = 0; i < 5; i++) {
        box.append(Kind.EVENT, "events", body("{}"), Priority.SAFETY);
      }
      // A routine row that finds nothing older to drop is dropped on arrival, and explained.
      long late = box.append(Kind.SUMMARY, "summary", body("{}"), Priority.ROUTINE);

      List<Pending> rows = box.next(100);
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 7L), seqs(rows));
      assertEquals(new DropMarker(late, late, 1, 0, 0), DropMarker.parse(rows.get(5).payload()));
      OutboxStats stats = box.stats();
      assertEquals(5, stats.safetyRows());
      assertTrue(stats.overLimit());
    }
  }

  @Test
  void statsCountRowsBytesAndTheOldestUnsentAge() {
    try (Outbox box = open()) {
      assertEquals(new OutboxStats(0, 0, 0, Optional.empty(), false, 0, 1), box.stats());
      box.append(Kind.SUMMARY, "summary", body("12345"), Priority.ROUTINE);
      clock.advance(Duration.ofSeconds(30));
      box.append(Kind.EVENT, "events", body("123"), Priority.SAFETY);
      clock.advance(Duration.ofSeconds(15));

      OutboxStats stats = box.stats();
      assertEquals(2, stats.rows());
      assertEquals(8, stats.bytes());
      assertEquals(1, stats.safetyRows());
      assertEquals(Optional.of(Duration.ofSeconds(45)), stats.oldestUnsentAge());

      box.markSent(1);
      assertEquals(Optional.of(Duration.ofSeconds(15)), box.stats().oldestUnsentAge());
      assertEquals(3, box.stats().bytes());
    }
    try (Outbox box = open()) {
      assertEquals(1, box.stats().rows(), "counts re-read on open");
      assertEquals(3, box.stats().bytes());
    }
  }

  @Test
  void refusesTheOutboxsOwnKindAndWildcardTopics() {
    try (Outbox box = open()) {
      assertThrows(
          IllegalArgumentException.class,
          () -> box.append(Kind.DROPPED, "events", body("{}"), Priority.ROUTINE));
      assertThrows(
          IllegalArgumentException.class,
          () -> box.append(Kind.EVENT, "events/#", body("{}"), Priority.ROUTINE));
    }
  }

  @Test
  void refusesCallsOnceClosed() {
    Outbox box = open();
    box.close();
    OutboxException e = assertThrows(OutboxException.class, () -> box.next(1));
    assertEquals(OutboxException.Code.CLOSED, e.code());
  }

  private static Outgoing summary(String s) {
    return new Outgoing(Kind.SUMMARY, "summary", body(s), Priority.ROUTINE);
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
