package io.vigil.gateway.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.MonitoringConfig;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.message.Verifier;
import io.vigil.sync.outbox.DropMarker;
import io.vigil.sync.outbox.Kind;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.sync.testing.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outages of issue 13, end to end on a real broker: a broker restart, a 60 s cut, a
 * time-compressed day of summaries held while cut, a full outbox, and a gateway process killed with
 * -9 while its outbox holds what the cut link could not send. Each asserts that the summaries
 * received (verified, de-duplicated by seq) are exactly those committed, and prints the duplicates
 * removed and the time to drain (README, "The MQTT link").
 */
class OutageTest {

  static final String FLEET = OnBroker.FLEET;
  static final String GW = "gw-1";
  static final String MODEL = "wdbc-malignancy";
  static final String MALIGNANT = OnBroker.MALIGNANT;

  @TempDir Path dataDir;
  @TempDir Path brokerDir;
  @TempDir Path workDir;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private EmbeddedBroker broker;
  private Gateway gateway;
  private MqttLink watcher;
  private Verifier verifier;

  record Received(String topic, byte[] payload, long nanos) {}

  /** What arrived: seqs de-duplicated, duplicates counted, and when the last new seq came. */
  record Tally(
      Set<Long> summaries,
      Set<Long> all,
      int duplicates,
      List<DropMarker> markers,
      List<String> events,
      long lastNewNanos) {}

  @BeforeEach
  void startBroker() {
    broker = EmbeddedBroker.start(brokerDir);
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    closeWatcher();
    broker.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBrokerRestartWhileSummariesAreCommittedLosesNone() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      gateway = Gateway.start(config(proxy.tcpUri(), SyncConfig.defaults().outboxMaxBytes()));
      SyncService sync = gateway.sync().orElseThrow();
      watch();
      List<Long> committed = new CopyOnWriteArrayList<>();
      AtomicBoolean committing = new AtomicBoolean(true);
      Thread committer =
          new Thread(
              () -> {
                while (committing.get()) {
                  try {
                    committed.add(
                        sync.summaryNow().toCompletionStage().toCompletableFuture().get());
                    Thread.sleep(50);
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                }
              },
              "committer");
      committer.start();
      Thread.sleep(1_000);
      broker.stop();
      // The broker keeps no sessions across a restart (in-memory), so the watcher must be
      // subscribed again before the gateway's publishes reach it: the proxy holds the gateway's
      // reconnection back until then. The gateway itself saw the broker go away mid-publish.
      proxy.cut();
      broker.begin();
      closeWatcher();
      watch();
      long restored = System.nanoTime();
      proxy.restore();
      Thread.sleep(1_000);
      committing.set(false);
      committer.join(10_000);
      Tally t = awaitAll(committed, restored, Duration.ofSeconds(30));
      report("broker restart", committed.size(), t, restored);
    }
  }

  @Test
  void aSixtySecondCutLosesNoSummary() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      gateway = Gateway.start(config(proxy.tcpUri(), SyncConfig.defaults().outboxMaxBytes()));
      SyncService sync = gateway.sync().orElseThrow();
      watch();
      List<Long> committed = new ArrayList<>();
      committed.add(sync.summaryNow().toCompletionStage().toCompletableFuture().get());
      proxy.cut();
      long cutAt = System.nanoTime();
      while (System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(60)) {
        committed.add(sync.summaryNow().toCompletionStage().toCompletableFuture().get());
        Thread.sleep(1_000);
      }
      long restored = System.nanoTime();
      proxy.restore();
      committed.add(sync.summaryNow().toCompletionStage().toCompletableFuture().get());
      // The link retries on its backoff (doubling from 1 s, capped at 60 s, each delay drawn in
      // its upper half): after a 60 s cut the next attempt may come up to 60 s after the restore.
      Tally t = awaitAll(committed, restored, Duration.ofSeconds(90));
      report("link cut 60 s", committed.size(), t, restored);
    }
  }

  @Test
  void aDayOfSummariesAndASafetyEventHeldWhileCutAllArrive() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      gateway = Gateway.start(config(proxy.tcpUri(), SyncConfig.defaults().outboxMaxBytes()));
      SyncService sync = gateway.sync().orElseThrow();
      watch();
      proxy.cut();
      List<Long> committed = new ArrayList<>();
      // A day at the default interval of 15 minutes, with a suspension in the middle of it.
      for (int i = 0; i < 96; i++) {
        if (i == 48) {
          for (int k = 0; k < 100; k++) {
            infer(MALIGNANT);
          }
        }
        committed.add(sync.summaryNow().toCompletionStage().toCompletableFuture().get());
      }
      long restored = System.nanoTime();
      proxy.restore();
      Tally t = awaitAll(committed, restored, Duration.ofSeconds(60));
      assertTrue(
          t.events().stream().anyMatch(e -> e.contains("\"kind\":\"suspended\"")),
          "the suspension held while cut arrives: " + t.events());
      assertEquals(
          contiguous(t.all()), t.all(), "every seq, summaries and events, arrives: no gap");
      report(
          "a day (96 summaries, " + t.events().size() + " safety event(s)) held while cut",
          committed.size(),
          t,
          restored);
    }
  }

  @Test
  void aFullOutboxDropsTheOldestSummariesAndTheMarkerExplainsEveryGap() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      gateway = Gateway.start(config(proxy.tcpUri(), 4096));
      SyncService sync = gateway.sync().orElseThrow();
      watch();
      proxy.cut();
      List<Long> committed = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        committed.add(sync.summaryNow().toCompletionStage().toCompletableFuture().get());
      }
      long restored = System.nanoTime();
      proxy.restore();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Tally t = tally();
      while (!explained(committed, t) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        t = tally();
      }
      assertFalse(t.markers().isEmpty(), "the outbox was full: a marker arrives");
      Set<Long> missing = new TreeSet<>(committed);
      missing.removeAll(t.summaries());
      assertFalse(missing.isEmpty(), "the outbox of 4 KiB could not hold 60 summaries");
      assertTrue(explained(committed, t), "missing " + missing + ", markers " + t.markers());
      // The gaps across all seqs are exactly what the markers count as dropped.
      Set<Long> gaps = contiguous(t.all());
      gaps.removeAll(t.all());
      long counted = t.markers().stream().mapToLong(DropMarker::dropped).sum();
      assertEquals(gaps.size(), counted, "gaps " + gaps + ", markers " + t.markers());
      System.out.printf(
          "outage: full outbox (4 KiB): %d summaries committed, %d dropped (explained by %d"
              + " marker(s)), 0 lost unexplained, %d duplicates removed, drained %d ms after"
              + " restore%n",
          committed.size(),
          missing.size(),
          t.markers().size(),
          t.duplicates(),
          (t.lastNewNanos() - restored) / 1_000_000);
    }
  }

  @Test
  void aGatewayKilledWithMinus9WhileCutWithAFullOutboxSendsWhatItKeptAfterItsRestart()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.to(broker.port())) {
      Path data = workDir.resolve("data");
      Files.createDirectories(data);
      // The key the process will load: the watcher checks its signatures.
      Ledgers.identity(config(data, "", 4096));
      Path configFile =
          TestGateways.configFile(
              workDir,
              data,
              "",
              "audit:\n  origin: "
                  + GW
                  + "\nsync:\n  broker: "
                  + proxy.tcpUri()
                  + "\n  allow-plaintext: true\n  fleet: "
                  + FLEET
                  + "\n  summary-interval: 10s\n  outbox-max-bytes: 4096\n");
      verifierFor(data);
      watch();
      GatewayProcess first =
          GatewayProcess.start(workDir, "serve", "--config", configFile.toString());
      Path outbox = data.resolve("outbox.db");
      try {
        await(r -> r.topic().endsWith("/status"), Duration.ofSeconds(30));
        proxy.cut();
        // Killed once the outbox is full: a drop marker stands for the summaries it let go.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((unsentSummaries(outbox).size() < 2 || !hasDropMarker(outbox))
            && System.nanoTime() < deadline) {
          Thread.sleep(500);
        }
        assertTrue(hasDropMarker(outbox), "the 4 KiB outbox filled while cut");
        first.kill();
        first.waitFor(10);
      } finally {
        first.close();
      }
      long nextSeq;
      List<Long> unsent = unsentSummaries(outbox);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outbox);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT next_seq FROM counter WHERE id = 0")) {
        r.next();
        nextSeq = r.getLong(1);
      }
      assertTrue(unsent.size() >= 2, "summaries committed while cut: " + unsent);
      List<Long> committed = new ArrayList<>();
      for (long seq = 1; seq < nextSeq; seq++) {
        committed.add(seq);
      }
      proxy.restore();
      long restarted = System.nanoTime();
      GatewayProcess second =
          GatewayProcess.start(workDir, "serve", "--config", configFile.toString());
      try {
        // Every row committed before the kill arrives, or lies inside a drop marker's range.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Tally t = tally();
        while (!(arrivedOrDropped(committed, t) && t.summaries().containsAll(unsent))
            && System.nanoTime() < until) {
          Thread.sleep(100);
          t = tally();
        }
        assertTrue(t.summaries().containsAll(unsent), "unsent " + unsent + ", got " + t);
        assertTrue(arrivedOrDropped(committed, t), "committed " + committed + ", got " + t);
        assertFalse(t.markers().isEmpty(), "the drop marker arrives");
        System.out.printf(
            "outage: kill -9 while cut with a full outbox: %d rows committed (%d summaries kept"
                + " unsent at the kill, the rest inside %d drop marker(s)), 0 lost unexplained,"
                + " %d duplicates removed, drained %d ms after the restart began%n",
            committed.size(),
            unsent.size(),
            t.markers().size(),
            t.duplicates(),
            (t.lastNewNanos() - restarted) / 1_000_000);
      } finally {
        second.close();
      }
    }
  }

  private static boolean hasDropMarker(Path outbox) throws Exception {
    if (!Files.exists(outbox)) {
      return false;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outbox);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM messages WHERE kind = '" + Kind.DROPPED.wireName() + "'")) {
      return r.next() && r.getLong(1) > 0;
    }
  }

  private static List<Long> unsentSummaries(Path outbox) throws Exception {
    List<Long> seqs = new ArrayList<>();
    if (!Files.exists(outbox)) {
      return seqs;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outbox);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT seq FROM messages WHERE kind = 'summary' ORDER BY seq")) {
      while (r.next()) {
        seqs.add(r.getLong(1));
      }
    }
    return seqs;
  }

  /** Whether every seq, of any kind (the markers' own too), arrived or lies in a marker's range. */
  private static boolean arrivedOrDropped(List<Long> committed, Tally t) {
    for (long seq : committed) {
      if (!t.all().contains(seq)
          && t.markers().stream().noneMatch(m -> m.firstSeq() <= seq && seq <= m.lastSeq())) {
        return false;
      }
    }
    return true;
  }

  private static boolean explained(List<Long> committed, Tally t) {
    for (long seq : committed) {
      if (!t.summaries().contains(seq)
          && t.markers().stream().noneMatch(m -> m.firstSeq() <= seq && seq <= m.lastSeq())) {
        return false;
      }
    }
    return true;
  }

  private static Set<Long> contiguous(Set<Long> seqs) {
    Set<Long> all = new TreeSet<>();
    long max = seqs.stream().mapToLong(Long::longValue).max().orElse(0);
    for (long s = 1; s <= max; s++) {
      all.add(s);
    }
    return all;
  }

  private static void report(String scenario, int committed, Tally t, long restored) {
    System.out.printf(
        "outage: %s: %d summaries committed, %d received, 0 lost, %d duplicates removed,"
            + " drained %d ms after restore%n",
        scenario,
        committed,
        t.summaries().size(),
        t.duplicates(),
        (t.lastNewNanos() - restored) / 1_000_000);
  }

  /** Waits until every committed summary arrived; asserts the sets are equal. */
  private Tally awaitAll(List<Long> committed, long since, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    Tally t = tally();
    while (!t.summaries().containsAll(committed) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      t = tally();
    }
    assertEquals(new TreeSet<>(committed), new TreeSet<>(t.summaries()), "duplicates " + t);
    return t;
  }

  private Tally tally() {
    Set<Long> summaries = new TreeSet<>();
    Set<Long> all = new TreeSet<>();
    List<DropMarker> markers = new ArrayList<>();
    List<String> events = new ArrayList<>();
    int duplicates = 0;
    long last = 0;
    for (Received r : List.copyOf(received)) {
      if (!r.topic().endsWith("/summary") && !r.topic().endsWith("/events")) {
        continue;
      }
      Verifier.Received v = verifier.verify(r.payload());
      if (!all.add(v.seq())) {
        duplicates++;
        continue;
      }
      last = Math.max(last, r.nanos());
      if (v.kind() == Kind.SUMMARY) {
        summaries.add(v.seq());
      } else if (v.kind() == Kind.DROPPED) {
        markers.add(DropMarker.parse(v.body()));
      } else {
        events.add(new String(v.body(), StandardCharsets.UTF_8));
      }
    }
    return new Tally(summaries, all, duplicates, markers, events, last);
  }

  private Received await(Predicate<Received> p, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      for (Received r : received) {
        if (p.test(r)) {
          return r;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not received: " + received.stream().map(Received::topic).toList());
  }

  private VigilConfig config(String brokerUri, long outboxMaxBytes) {
    return config(dataDir, brokerUri, outboxMaxBytes);
  }

  private static VigilConfig config(Path dir, String brokerUri, long outboxMaxBytes) {
    return OnBroker.config(
        TestGateways.config(dir),
        brokerUri,
        FLEET,
        GW,
        new MonitoringConfig(true, 100, 50, Duration.ofMinutes(15)),
        outboxMaxBytes);
  }

  private void verifierFor(Path data) {
    verifier = Verifier.create(Map.of(GW, Ledgers.identity(config(data, "", 4096)).publicKey()));
  }

  /**
   * Subscribes a watcher to the gateway's topics on the broker itself, and returns once a probe it
   * published came back: it is subscribed.
   */
  private void watch() throws Exception {
    if (verifier == null) {
      verifierFor(dataDir);
    }
    String probe = "vigil/v1/" + FLEET + "/" + GW + "/probe";
    watcher =
        MqttLink.create(
            vertx, LinkOptions.plain(broker.tcpUri(), "watcher", "vigil/v1/watchers/w/status"));
    watcher.subscribe(
        "vigil/v1/" + FLEET + "/" + GW + "/#",
        m -> received.add(new Received(m.topic(), m.payload(), System.nanoTime())));
    watcher.start();
    watcher.connected().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int before = (int) received.stream().filter(r -> r.topic().equals(probe)).count();
    while (received.stream().filter(r -> r.topic().equals(probe)).count() <= before) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the watcher is not subscribed");
      }
      watcher
          .publish(probe, new byte[] {1}, false)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      Thread.sleep(100);
    }
  }

  private void closeWatcher() {
    if (watcher != null) {
      try {
        watcher.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // A watcher of a stopped broker.
      }
      watcher = null;
    }
  }

  private void infer(String body) throws Exception {
    http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v2/models/" + MODEL + "/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
