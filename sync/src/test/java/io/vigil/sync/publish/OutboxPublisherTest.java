package io.vigil.sync.publish;

import static io.vigil.sync.publish.FakeTransport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.sync.message.Verifier;
import io.vigil.sync.outbox.DropMarker;
import io.vigil.sync.outbox.Kind;
import io.vigil.sync.outbox.Outbox;
import io.vigil.sync.outbox.OutboxOptions;
import io.vigil.sync.outbox.Pending;
import io.vigil.sync.outbox.Priority;
import io.vigil.trust.IdentityKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxPublisherTest {

  private static final String GATEWAY = "gw-ward-3";

  @TempDir Path dir;

  private IdentityKey identity;
  private GatewayTopics topics;
  private Verifier verifier;
  private final List<AutoCloseable> open = new ArrayList<>();

  private final PublisherOptions options =
      PublisherOptions.defaults()
          .withBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
          .withPollInterval(Duration.ofMillis(50))
          .withCloseTimeout(Duration.ofMillis(200));

  @BeforeEach
  void identity() {
    identity = IdentityKey.loadOrCreate(dir.resolve("identity"), GATEWAY);
    topics = GatewayTopics.of("st-marys", GATEWAY);
    verifier = Verifier.create(Map.of(GATEWAY, identity.publicKey()));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private Outbox outbox(OutboxOptions o) {
    Outbox box = Outbox.open(o);
    open.add(box);
    return box;
  }

  private Outbox outbox() {
    return outbox(OutboxOptions.defaults(dir));
  }

  private OutboxPublisher publisher(Outbox box, Transport transport, PublisherOptions o) {
    OutboxPublisher p = OutboxPublisher.create(box, transport, identity, topics, o);
    open.add(p);
    return p;
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Appends {@code n} rows, every third an event, and returns their seqs. */
  private static List<Long> append(Outbox box, int n) {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      seqs.add(
          i % 3 == 2
              ? box.append(Kind.EVENT, "events", json("{\"i\":" + i + "}"), Priority.SAFETY)
              : box.append(Kind.SUMMARY, "summary", json("{\"i\":" + i + "}"), Priority.ROUTINE));
    }
    return seqs;
  }

  private static Set<Long> unsent(Outbox box) {
    return box.next(100_000).stream()
        .map(Pending::seq)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void publishesEveryRowInSeqOrderAndMarksItSentOnlyAfterItsPuback() throws Exception {
    Outbox box = outbox();
    List<Long> seqs = append(box, 25);
    FakeTransport net = new FakeTransport(verifier);
    OutboxPublisher publisher = publisher(box, net, options.withWindow(10));

    publisher.start();
    await("the window is full", () -> net.pendingSeqs().size() == 10);
    Thread.sleep(100);

    assertEquals(List.copyOf(range(1, 10)), net.pendingSeqs(), "no more than the window");
    assertEquals(Set.copyOf(seqs), unsent(box), "nothing is marked sent without its PUBACK");
    for (long next = 1; next <= 25; next += 10) {
      long from = next;
      long to = Math.min(from + 9, 25);
      await("the next window is in flight", () -> net.pendingSeqs().size() == to - from + 1);
      assertEquals(List.copyOf(range(from, to)), net.pendingSeqs());
      // Rows acked before are deleted (the acks are handled on the publisher's thread), the rest
      // not.
      await("exactly the acked rows are deleted", () -> unsent(box).equals(range(from, 25)));
      net.ackAll();
    }
    await("everything is sent", () -> box.stats().rows() == 0);

    assertEquals(seqs, net.sentSeqs(), "each row once, in seq order");
    assertEquals(10, net.maxPending());
    for (FakeTransport.Sent s : net.sent()) {
      Kind kind = s.seq() % 3 == 0 ? Kind.EVENT : Kind.SUMMARY;
      assertEquals(kind, s.message().kind());
      assertEquals(kind == Kind.EVENT ? topics.events() : topics.summary(), s.topic());
      assertEquals(GATEWAY, s.message().gateway());
    }
  }

  @Test
  void sendsARowAppendedAfterStartAtOnceWhenKicked() {
    Outbox box = outbox();
    FakeTransport net = new FakeTransport(verifier);
    net.autoAck(true);
    OutboxPublisher publisher =
        publisher(box, net, options.withPollInterval(Duration.ofMinutes(10)));
    publisher.start();
    await("the first poll found nothing", () -> net.sent().isEmpty());

    long seq = box.append(Kind.EVENT, "events", json("{\"a\":1}"), Priority.SAFETY);
    publisher.kick();

    await("the kicked row is acknowledged", () -> box.stats().rows() == 0);
    assertEquals(List.of(seq), net.sentSeqs());
  }

  @Test
  void resendsRowsInFlightAfterADisconnectAndTheReceiverEndsWithExactlyTheCommittedSet() {
    Outbox box = outbox();
    append(box, 30);
    FakeTransport net = new FakeTransport(verifier);
    OutboxPublisher publisher = publisher(box, net, options.withWindow(10));
    publisher.start();
    await("the window is full", () -> net.pendingSeqs().size() == 10);
    for (long seq = 1; seq <= 4; seq++) {
      net.ack(seq);
    }
    await("1..4 are deleted and 11..14 in flight", () -> net.pendingSeqs().size() == 10);
    assertEquals(range(5, 30), unsent(box));

    List<Long> lost = net.disconnect();
    await("the publisher saw the failures", () -> publisher.inFlight() == 0);
    List<Long> extra = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      extra.add(
          box.append(Kind.SUMMARY, "summary", json("{\"late\":" + i + "}"), Priority.ROUTINE));
      publisher.kick();
    }
    int sentWhileDown = net.sent().size();

    assertEquals(List.copyOf(range(5, 14)), lost);
    assertEquals(range(5, 35), unsent(box), "rows in flight stay unsent");
    net.autoAck(true);
    net.reconnect();
    publisher.kick();
    await("everything is sent", () -> box.stats().rows() == 0);

    assertEquals(14, sentWhileDown, "nothing is published while the link is down");
    assertEquals(5, net.sentSeqs().get(sentWhileDown), "it resumes at the oldest unsent row");
    assertEquals(range(1, 35), net.received().keySet(), "exactly the committed set");
    assertEquals(lost.size(), net.duplicates(), "only the rows in flight are sent twice");
    lost.forEach(seq -> assertEquals(2, net.received().get(seq)));
    assertEquals(List.of(31L, 32L, 33L, 34L, 35L), extra);
  }

  @Test
  void marksTheRightRowsWhenAcksArriveOutOfOrder() {
    Outbox box = outbox();
    append(box, 10);
    FakeTransport net = new FakeTransport(verifier);
    OutboxPublisher publisher = publisher(box, net, options.withWindow(10));
    publisher.start();
    await("the window is full", () -> net.pendingSeqs().size() == 10);

    net.ack(7);
    net.ack(3);
    await("7 and 3 are deleted", () -> box.stats().rows() == 8);
    assertEquals(Set.of(1L, 2L, 4L, 5L, 6L, 8L, 9L, 10L), unsent(box));
    for (long seq : List.of(10L, 1L, 9L, 2L, 8L, 4L, 6L, 5L)) {
      net.ack(seq);
    }
    await("everything is sent", () -> box.stats().rows() == 0);

    assertEquals(0, net.duplicates());
    assertEquals(List.copyOf(range(1, 10)), net.sentSeqs());
  }

  @Test
  void treatsAPublishWithoutPubackInTimeAsFailedAndSendsItAgain() {
    Outbox box = outbox();
    append(box, 3);
    FakeTransport net = new FakeTransport(verifier);
    OutboxPublisher publisher = publisher(box, net, options.withAckTimeout(Duration.ofMillis(100)));
    publisher.start();
    await("the three rows are in flight", () -> net.sentSeqs().size() == 3);

    // The PUBACKs never come: after the timeout and the backoff, the same rows go again.
    await("the rows are sent again", () -> net.sentSeqs().size() == 6);
    assertEquals(range(1, 3), unsent(box), "nothing is marked without its PUBACK");
    net.autoAck(true);
    net.ackAll();
    await("everything is sent", () -> box.stats().rows() == 0);

    assertEquals(List.of(1L, 2L, 3L, 1L, 2L, 3L), net.sentSeqs().subList(0, 6));
    assertEquals(range(1, 3), net.received().keySet());
  }

  @Test
  void resumesFromTheOldestUnsentRowAfterARestart() {
    OutboxOptions file = OutboxOptions.defaults(dir);
    Outbox first = Outbox.open(file);
    append(first, 20);
    FakeTransport before = new FakeTransport(verifier);
    OutboxPublisher publisher = OutboxPublisher.create(first, before, identity, topics, options);
    publisher.start();
    await("the window is full", () -> before.pendingSeqs().size() == 10);
    for (long seq : List.of(1L, 2L, 3L, 5L)) {
      before.ack(seq);
    }
    await("1, 2, 3 and 5 are deleted", () -> first.stats().rows() == 16);
    await("11..14 are in flight", () -> before.pendingSeqs().size() == 10);
    publisher.close();
    first.close();

    Outbox reopened = outbox(file);
    FakeTransport after = new FakeTransport(verifier);
    after.autoAck(true);
    publisher(reopened, after, options).start();
    await("everything is sent", () -> reopened.stats().rows() == 0);

    List<Long> expected = new ArrayList<>(List.of(4L));
    expected.addAll(range(6, 20));
    assertEquals(expected, after.sentSeqs());
  }

  @Test
  void deliversTheDropMarkerOfAFullOutboxOnTheEventsTopic() {
    Outbox box = outbox(OutboxOptions.defaults(dir).withLimits(OutboxOptions.MIN_MAX_BYTES, 5));
    for (int i = 0; i < 10; i++) {
      box.append(Kind.SUMMARY, "summary", json("{\"i\":" + i + "}"), Priority.ROUTINE);
    }
    long nextSeq = box.stats().nextSeq();
    FakeTransport net = new FakeTransport(verifier);
    net.autoAck(true);

    publisher(box, net, options).start();
    await("everything is sent", () -> box.stats().rows() == 0);

    List<FakeTransport.Sent> markers =
        net.sent().stream().filter(s -> s.message().kind() == Kind.DROPPED).toList();
    assertEquals(1, markers.size());
    assertEquals(topics.events(), markers.get(0).topic());
    DropMarker marker = DropMarker.parse(markers.get(0).message().body());
    Set<Long> accounted = new TreeSet<>(net.received().keySet());
    LongStream.rangeClosed(marker.firstSeq(), marker.lastSeq()).forEach(accounted::add);
    assertEquals(range(1, nextSeq - 1), accounted, "every gap is explained by the marker");
    assertTrue(marker.dropped() > 0);
  }

  @Test
  void skipsARowThatCannotBeSignedAndKeepsItUnsent() throws Exception {
    Outbox box = outbox();
    box.append(Kind.SUMMARY, "summary", json("{\"a\":1}"), Priority.ROUTINE);
    // Canonical JSON has no floating-point numbers: this body can never be signed.
    long bad = box.append(Kind.SUMMARY, "summary", json("{\"psi\":0.25}"), Priority.ROUTINE);
    box.append(Kind.EVENT, "events", json("{\"b\":2}"), Priority.SAFETY);
    FakeTransport net = new FakeTransport(verifier);
    net.autoAck(true);
    List<Long> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    PublishListener listener =
        new PublishListener() {
          @Override
          public void unsendable(long seq, Kind kind) {
            told.add(seq);
          }
        };
    OutboxPublisher publisher =
        OutboxPublisher.create(box, net, identity, topics, options, listener);
    open.add(publisher);

    publisher.start();
    await("the rows around it are sent", () -> box.stats().rows() == 1);
    Thread.sleep(200);

    assertEquals(List.of(1L, 3L), net.sentSeqs(), "the row behind it is not blocked");
    assertEquals(Set.of(bad), unsent(box), "never deleted without a PUBACK");
    assertEquals(List.of(bad), told, "told once, not at every poll");
  }

  @Test
  void refusesTopicsOfAnotherGatewayThanTheIdentityKeys() {
    Outbox box = outbox();
    FakeTransport net = new FakeTransport(verifier);
    GatewayTopics other = GatewayTopics.of("st-marys", "gw-other");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OutboxPublisher.create(box, net, identity, other, options));
    assertTrue(e.getMessage().contains("gw-other"), e.getMessage());
  }
}
