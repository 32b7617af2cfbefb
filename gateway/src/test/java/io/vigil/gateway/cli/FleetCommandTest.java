package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.gateway.fleet.Fleet;
import io.vigil.sync.command.Command;
import io.vigil.sync.command.CommandVerifier;
import io.vigil.sync.command.ReplayGuard;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.testing.EmbeddedBroker;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil fleet watch} and {@code vigil fleet command} against a real broker, with simulated
 * gateways that each sign with their own identity key and publish over their own link.
 */
class FleetCommandTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  EmbeddedBroker broker;
  Vertx vertx;
  final List<MqttLink> links = new ArrayList<>();
  final List<Fleet.Gateway> gateways = new ArrayList<>();

  @BeforeEach
  void aBroker() {
    broker = EmbeddedBroker.start(tmp.resolve("hivemq"));
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (MqttLink link : links) {
      get(link.close());
    }
    gateways.forEach(Fleet.Gateway::close);
    get(vertx.close());
    broker.close();
  }

  @Test
  void watchVerifiesTwentyGatewaysDropsInjectedDuplicatesAndPrintsTheTable() throws Exception {
    Path registered = Files.createDirectories(tmp.resolve("gateways"));
    for (int i = 1; i <= 20; i++) {
      gateways.add(
          new Fleet.Gateway(tmp.resolve("gw"), String.format("gw-%02d", i)).registerIn(registered));
    }
    Map<Fleet.Gateway, MqttLink> linkOf = new java.util.LinkedHashMap<>();
    Map<Fleet.Gateway, List<byte[]>> summaries = new java.util.LinkedHashMap<>();
    for (Fleet.Gateway gw : gateways) {
      linkOf.put(gw, link(gw.name));
      List<byte[]> signed = new ArrayList<>();
      for (long seq = 1; seq <= 3; seq++) {
        signed.add(gw.summary(seq, Optional.of(gw.grow(5))));
      }
      signed.add(signed.get(2)); // a resend, injected
      summaries.put(gw, signed);
    }
    List<Fleet.Gateway> fleet = List.copyOf(gateways);
    Fleet.Gateway stranger = new Fleet.Gateway(tmp.resolve("gw"), "gw-stranger");
    gateways.add(stranger);
    MqttLink strangerLink = link(stranger.name);
    Watcher watcher = Watcher.start(watchArgs(registered, tmp.resolve("fleet.db"), "5s"));

    for (Fleet.Gateway gw : fleet) {
      for (byte[] summary : summaries.get(gw)) {
        get(linkOf.get(gw).publish(Fleet.topic(gw.name), summary, false));
      }
    }
    get(
        strangerLink.publish(
            Fleet.topic(stranger.name), stranger.summary(1, Optional.empty()), false));
    Cli.Result r = watcher.result();

    assertEquals(0, r.status(), r.err());
    System.out.print("vigil fleet watch --once-after 5s:\n" + r.out());
    for (Fleet.Gateway gw : fleet) {
      assertTrue(
          r.out().lines().anyMatch(l -> l.matches(gw.name + " .* 3 +0 +1 +0 +0 +0 +15 +0 .*")),
          gw.name + " in\n" + r.out());
    }
    assertEquals(
        Set.of(
            "refused vigil/v1/acme/gw-stranger/summary: UNREGISTERED: gateway 'gw-stranger' is not"
                + " registered"),
        refusedOrAlerted(r.out()));
    assertTrue(r.out().contains("1 message(s) refused that named no registered gateway"), r.out());
  }

  @Test
  void twoWatchersOnOneShareSplitTheMessagesNoneTwice() throws Exception {
    Path registered = Files.createDirectories(tmp.resolve("gateways"));
    for (int i = 1; i <= 10; i++) {
      gateways.add(new Fleet.Gateway(tmp.resolve("gw"), "gw-" + i).registerIn(registered));
    }
    Watcher a = Watcher.start(watchArgs(registered, tmp.resolve("a.db"), "6s"));
    Watcher b = Watcher.start(watchArgs(registered, tmp.resolve("b.db"), "6s"));

    Set<String> sent = new HashSet<>();
    List<Future<Void>> published = new ArrayList<>();
    for (Fleet.Gateway gw : gateways) {
      MqttLink link = link(gw.name);
      for (long seq = 1; seq <= 5; seq++) {
        published.add(link.publish(Fleet.topic(gw.name), gw.summary(seq, Optional.empty()), false));
        sent.add(gw.name + "/" + seq);
      }
    }
    get(Future.all(published));
    assertEquals(0, a.result().status(), a.result().err());
    assertEquals(0, b.result().status(), b.result().err());

    List<String> first = stored(tmp.resolve("a.db"));
    List<String> second = stored(tmp.resolve("b.db"));
    System.out.println("watcher a stored " + first.size() + ", watcher b " + second.size());
    assertTrue(!first.isEmpty() && !second.isEmpty(), first.size() + " / " + second.size());
    List<String> both = new ArrayList<>(first);
    both.addAll(second);
    assertEquals(sent, new HashSet<>(both), "together all");
    assertEquals(sent.size(), both.size(), "none twice");
  }

  @Test
  void commandIsSignedAndPublishedSoThatTheGatewayVerifierAcceptsIt() throws Exception {
    Path repo = tmp.resolve("repo");
    assertEquals(0, Cli.run("repo", "init", repo.toString()).status());
    assertEquals(0, Cli.run("repo", "command-key", repo.toString()).status());
    Root root = Metadata.root(Files.readAllBytes(repo.resolve("metadata/2.root.json"))).signed();
    LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    MqttLink gateway = link("gw-1");
    get(gateway.subscribe("vigil/v1/acme/gw-1/commands", m -> received.add(m.payload())));
    Path key = tmp.resolve("repo.keys/commands.key");

    Cli.Result first = Cli.run(sendArgs(key, "suspend", "sepsis", "1.2.0"));
    Cli.Result second = Cli.run(sendArgs(key, "summary-now"));

    assertEquals(0, first.status(), first.err());
    assertEquals(0, second.status(), second.err());
    System.out.print("vigil fleet command:\n" + first.out() + second.out());
    CommandVerifier verifier =
        CommandVerifier.create(
            "acme", "gw-1", Clock.systemUTC(), ReplayGuard.open(tmp.resolve("guard")));
    Command suspend = verifier.verify(received.poll(30, TimeUnit.SECONDS), root);
    verifier.accept(suspend);
    Command summaryNow = verifier.verify(received.poll(30, TimeUnit.SECONDS), root);
    assertEquals(Command.Name.SUSPEND, suspend.name());
    assertEquals(Map.of("model", "sepsis", "version", "1.2.0"), suspend.arguments());
    assertEquals(1, suspend.counter());
    assertEquals(2, summaryNow.counter(), "the counter kept beside the key grew");
    assertTrue(
        Files.readString(tmp.resolve("repo.keys/commands.key.counters")).contains("acme/gw-1=2"));
  }

  @Test
  void commandRefusesACounterThatDoesNotGrow() throws Exception {
    Path repo = tmp.resolve("repo");
    Cli.run("repo", "init", repo.toString());
    Cli.run("repo", "command-key", repo.toString());
    Path key = tmp.resolve("repo.keys/commands.key");
    assertEquals(0, Cli.run(sendArgs(key, "summary-now", "--counter", "7")).status());

    Cli.Result r = Cli.run(sendArgs(key, "summary-now", "--counter", "7"));

    assertEquals(1, r.status());
    assertTrue(r.err().contains("--counter 7 is not above 7"), r.err());
  }

  // ---- helpers ---------------------------------------------------------------------------

  String[] watchArgs(Path registered, Path store, String onceAfter) {
    return new String[] {
      "fleet",
      "watch",
      "--broker",
      broker.tcpUri(),
      "--allow-plaintext",
      "--fleet",
      "acme",
      "--gateways",
      registered.toString(),
      "--store",
      store.toString(),
      "--once-after",
      onceAfter
    };
  }

  String[] sendArgs(Path key, String... command) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "fleet",
                "command",
                "gw-1",
                "--broker",
                broker.tcpUri(),
                "--allow-plaintext",
                "--fleet",
                "acme",
                "--key",
                key.toString()));
    args.addAll(List.of(command));
    return args.toArray(String[]::new);
  }

  MqttLink link(String gateway) throws Exception {
    MqttLink link =
        MqttLink.create(
            vertx,
            LinkOptions.plain(broker.tcpUri(), gateway, "vigil/v1/acme/" + gateway + "/status"));
    links.add(link);
    link.start();
    get(link.connected());
    return link;
  }

  static Set<String> refusedOrAlerted(String out) {
    Set<String> lines = new HashSet<>();
    out.lines().filter(l -> l.startsWith("refused") || l.startsWith("ALERT")).forEach(lines::add);
    return lines;
  }

  static List<String> stored(Path db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("SELECT gateway, seq FROM messages")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + "/" + rs.getLong(2));
      }
    }
    return rows;
  }

  static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** {@code vigil fleet watch} on a thread of its own, started once it says it is subscribed. */
  record Watcher(CompletableFuture<Cli.Result> run) {
    static Watcher start(String... args) throws Exception {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CompletableFuture<Cli.Result> run =
          CompletableFuture.supplyAsync(
              () -> {
                int status =
                    Vigil.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
                return new Cli.Result(status, out.toString(), err.toString());
              });
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!out.toString().contains("watching ")) {
        if (run.isDone() || System.nanoTime() > deadline) {
          throw new AssertionError("the watcher did not subscribe: " + run.get().err());
        }
        Thread.sleep(20);
      }
      return new Watcher(run);
    }

    Cli.Result result() throws Exception {
      return run.get(60, TimeUnit.SECONDS);
    }
  }
}
