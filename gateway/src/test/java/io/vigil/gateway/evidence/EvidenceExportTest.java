package io.vigil.gateway.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Hash;
import io.vigil.audit.InclusionProof;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.audit.VerifierKey;
import io.vigil.canonical.Sha256;
import io.vigil.gateway.FaultTools;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.cli.Cli;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.simulate.Shift;
import io.vigil.gateway.simulate.Simulation;
import io.vigil.gateway.simulate.Simulator;
import io.vigil.gateway.simulate.TestSplit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil evidence export} on the ledger of a real gateway that went through a drift episode
 * and a suspension: test-split rows from {@code vigil simulate}'s simulator, then malignant cases
 * only, until the policy suspended the model and an approver resumed it.
 */
class EvidenceExportTest {

  private static final String MODEL = "wdbc-malignancy";
  private static final String ASKED = "evidence-sample-1";

  @TempDir static Path dir;
  private static Path dataDir;

  @BeforeAll
  static void aGatewayWentThroughADriftEpisodeAndASuspension() throws Exception {
    dataDir = dir.resolve("data");
    try (Gateway gateway =
        Gateway.start(
            TestGateways.withMonitoring(
                TestGateways.config(dataDir), TestGateways.SMALL_WINDOWS))) {
      HttpResponse<String> asked =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + gateway.port()
                                  + "/v2/models/"
                                  + MODEL
                                  + "/infer"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              TestGateways.DEMO_ROW.replaceFirst(
                                  "\\{", "{\"id\": \"" + ASKED + "\", ")))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, asked.statusCode(), asked.body());
      Simulator.run(
          new Simulation(
              URI.create("http://127.0.0.1:" + gateway.port()),
              MODEL,
              250,
              0,
              Duration.ofMillis(3600),
              4,
              0.02,
              "ward-3-monitor",
              Duration.ofSeconds(10),
              List.of(new Shift(Shift.Kind.PREVALENCE, "", 1.0, 1.6))),
          TestSplit.shipped(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertTrue(gateway.models().active(MODEL).suspended(), "the episode ends in a suspension");
      gateway.resume(MODEL, Optional.empty(), "operator:alice", "checked with the ward");
    }
  }

  @Test
  void reportsADriftEpisodeAndASuspensionFromAVerifiedLedger() throws Exception {
    Path out = dir.resolve("report");
    List<String> before = snapshot(dataDir);

    Cli.Result r =
        Cli.run(
            "evidence",
            "export",
            "--data-dir",
            dataDir.toString(),
            "--model",
            MODEL,
            "--from",
            "2000-01-01",
            "--to",
            "2100-01-01T00:00:00Z",
            "--out",
            out.toString(),
            "--prediction",
            ASKED,
            "--pdf",
            "off");

    assertEquals(0, r.status(), r.out() + r.err());
    assertEquals(before, snapshot(dataDir), "the data directory is read, never written");
    String html = Files.readString(out.resolve(EvidenceExport.HTML));
    JsonObject json = new JsonObject(Files.readString(out.resolve(EvidenceExport.JSON)));
    String firstPage = html.substring(0, html.indexOf("<section>"));
    assertTrue(
        firstPage.contains("The ledger was verified before this report was written"), firstPage);
    assertFalse(html.contains("<script"), "no script");
    assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "no external URL");

    List<StoredEntry> ledger = ledger();
    long predictions =
        ledger.stream()
            .filter(e -> e.entry() instanceof PredictionEntry p && p.modelId().equals(MODEL))
            .count();
    assertEquals(predictions, json.getLong("predictions"));
    assertEquals(ledger.size(), json.getJsonObject("ledger").getLong("entries"));
    assertTrue(firstPage.contains("Predictions recorded</td><td>" + predictions), firstPage);
    for (String safety : List.of("normal", "warn", "alert")) {
      long answered =
          ledger.stream()
              .filter(
                  e ->
                      e.entry() instanceof PredictionEntry p
                          && p.modelId().equals(MODEL)
                          && p.safetyState().equals(safety))
              .count();
      assertEquals(answered, count(json, safety), "answered in " + safety);
    }

    List<EventEntry> windows = events(ledger, "monitoring.window");
    assertEquals(windows.size(), json.getJsonArray("windows").size());
    assertTrue(windows.size() >= 3, "windows: " + windows.size());
    assertEquals(
        "suspend",
        json.getJsonArray("windows").getJsonObject(windows.size() - 1).getString("level"));
    List<String> changes = new ArrayList<>();
    json.getJsonArray("safety_events")
        .forEach(
            o -> {
              JsonObject e = (JsonObject) o;
              changes.add(
                  e.getString("from") + "->" + e.getString("to") + " by " + e.getString("actor"));
            });
    assertTrue(changes.contains("suspend->normal by operator:alice"), changes.toString());
    assertTrue(
        changes.stream().anyMatch(c -> c.endsWith("->suspend by system")), changes.toString());
    assertTrue(html.contains("class=\"level-suspend\""), "the suspension is marked");
    assertTrue(html.contains("<svg"), "plots");

    JsonObject version = json.getJsonArray("versions").getJsonObject(0);
    assertEquals("1.0.0", version.getString("version"));
    JsonObject tuf = version.getJsonObject("tuf");
    assertEquals("demo", tuf.getString("repository"));
    assertFalse(tuf.getJsonArray("signers").isEmpty(), tuf.encode());
    assertEquals(
        tuf.getString("target"),
        version.getJsonObject("installed").getJsonObject("approval").getString("target"));
    assertTrue(
        html.contains("approves the target <code>" + Html.escape(tuf.getString("target"))),
        "approval chain");
    assertFalse(
        version.getJsonObject("qualification").getJsonArray("metrics").isEmpty(), "metrics");

    JsonObject proof = json.getJsonArray("proofs").getJsonObject(0);
    assertEquals(ASKED, proof.getString("request_id"));
    VerifierKey key;
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      key = Ledgers.verifierKey(dataDir, reader.origin());
    }
    Checkpoint checkpoint = Checkpoint.open(proof.getString("checkpoint"), key);
    Hash leaf = Hash.of(HexFormat.of().parseHex(proof.getString("leaf_hash")));
    List<Hash> path = new ArrayList<>();
    proof.getJsonArray("path").forEach(h -> path.add(Hash.of(HexFormat.of().parseHex((String) h))));
    InclusionProof inclusion =
        new InclusionProof(proof.getLong("seq"), proof.getLong("tree_size"), leaf, path);
    assertEquals(checkpoint.size(), inclusion.treeSize());
    assertTrue(inclusion.leadsTo(checkpoint.root()), "the path leads to the signed root");
    String file = Files.readString(out.resolve("proofs/entry-" + proof.getLong("seq") + ".json"));
    String entry = file.substring(file.indexOf(",\"entry\":") + 9, file.indexOf(",\"leaf_hash\":"));
    byte[] leafInput = ("\0" + entry).getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(HexFormat.of().parseHex(Sha256.hex(leafInput)), leaf.bytes());
    assertTrue(entry.contains(ASKED), entry);
  }

  @Test
  void exportsWhileAGatewayServesFromTheSameDataDirectory() throws Exception {
    Path copy = dir.resolve("serving");
    TestGateways.copyTree(dataDir, copy);
    Path out = dir.resolve("while-serving");

    Cli.Result r;
    try (Gateway gateway = Gateway.start(TestGateways.config(copy))) {
      assertEquals(
          200, TestGateways.inferTestRowOfDemo(HttpClient.newHttpClient(), gateway.port()));
      r = export(copy.toString(), out, "--model", MODEL);
    }

    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(
        Files.readString(out.resolve(EvidenceExport.HTML))
            .contains("The ledger was verified before this report was written"));
  }

  @Test
  void refusesATamperedLedgerNamingTheEntryAndWritesNothing() throws Exception {
    Path copy = dir.resolve("tampered");
    TestGateways.copyTree(dataDir, copy);
    long seq;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Ledgers.database(copy));
        Statement s = c.createStatement()) {
      List<String> triggers = new ArrayList<>();
      try (ResultSet t = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
        while (t.next()) {
          triggers.add(t.getString(1));
        }
      }
      for (String name : triggers) {
        s.execute("DROP TRIGGER " + name);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT min(seq) FROM entries WHERE kind = 'prediction' AND CAST(canonical AS TEXT)"
                  + " LIKE '%"
                  + ASKED
                  + "%'")) {
        seq = rs.getLong(1);
      }
      s.executeUpdate(
          "UPDATE entries SET canonical = CAST(replace(CAST(canonical AS TEXT), '"
              + ASKED
              + "', 'another-request') AS BLOB) WHERE seq = "
              + seq);
    }
    Path out = Files.createDirectories(dir.resolve("refused"));

    Cli.Result r = export(copy.toString(), out, "--model", MODEL);

    assertTrue(seq > 0, "the asked prediction follows the gateway's first events");
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.err().contains("does not verify"), r.err());
    assertTrue(r.err().contains("entry " + seq + ":"), r.err());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void refusesBadOptionsNamingWhatIsWrong() {
    Path out = dir.resolve("never");
    String data = dataDir.toString();

    Cli.Result model = export(data, out, "--model", "no-such-model");
    Cli.Result order =
        export(data, out, "--model", MODEL, "--from", "2026-12-02", "--to", "2026-12-01");
    Cli.Result malformed = export(data, out, "--model", MODEL, "--from", "yesterday");
    Cli.Result request = export(data, out, "--model", MODEL, "--prediction", "no-such-request");
    Cli.Result pdf = export(data, out, "--model", MODEL, "--pdf", "maybe");

    assertEquals(1, model.status(), model.err());
    assertTrue(model.err().contains("holds nothing about a model no-such-model"), model.err());
    assertEquals(2, order.status(), order.err());
    assertTrue(
        order.err().contains("--from 2026-12-02T00:00:00Z is not before --to 2026-12-02T00:00:00Z"),
        order.err());
    assertEquals(2, malformed.status(), malformed.err());
    assertTrue(malformed.err().contains("'--from': 'yesterday' is neither"), malformed.err());
    assertEquals(1, request.status(), request.err());
    assertTrue(request.err().contains("with request id no-such-request"), request.err());
    assertEquals(2, pdf.status(), pdf.err());
    assertTrue(pdf.err().contains("'maybe' is not auto, on or off"), pdf.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void printsThePdfAndRendersTheFirstPageWithABrowser() throws Exception {
    FaultTools.require(
        Browser.onPath().isPresent(),
        "one of " + Browser.NAMES + " on PATH (apt-get install chromium)");
    Path out = dir.resolve("printed");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);

    Cli.Result r =
        Cli.run(
            "evidence",
            "export",
            "--data-dir",
            dataDir.toString(),
            "--model",
            MODEL,
            "--from",
            today.minusDays(1).toString(),
            "--to",
            today.toString(),
            "--prediction",
            ASKED,
            "--out",
            out.toString(),
            "--pdf",
            "on",
            "--png");

    assertEquals(0, r.status(), r.out() + r.err());
    byte[] pdf = Files.readAllBytes(out.resolve(EvidenceExport.PDF));
    assertEquals("%PDF", new String(pdf, 0, 4, StandardCharsets.US_ASCII));
    var png = ImageIO.read(out.resolve(EvidenceExport.PNG).toFile());
    assertNotNull(png, "a PNG that Java's image reader reads");
    assertEquals(1240, png.getWidth());
  }

  private static Cli.Result export(String data, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "evidence", "export", "--data-dir", data, "--out", out.toString(), "--pdf", "off"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static long count(JsonObject json, String safety) {
    JsonArray counts = json.getJsonArray("counts");
    long n = 0;
    for (int i = 0; i < counts.size(); i++) {
      if (counts.getJsonObject(i).getString("safety").equals(safety)) {
        n += counts.getJsonObject(i).getLong("count");
      }
    }
    return n;
  }

  private static List<StoredEntry> ledger() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.entries(0, reader.size());
    }
  }

  private static List<EventEntry> events(List<StoredEntry> entries, String type) {
    return entries.stream()
        .map(StoredEntry::entry)
        .filter(e -> e instanceof EventEntry ev && ev.type().equals(type))
        .map(EventEntry.class::cast)
        .toList();
  }

  /** Every file under {@code root} with its size and modification time. */
  private static List<String> snapshot(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      List<String> files = new ArrayList<>();
      for (Path p : walk.sorted().toList()) {
        files.add(
            root.relativize(p)
                + " "
                + (Files.isDirectory(p) ? "dir" : Files.size(p))
                + " "
                + Files.getLastModifiedTime(p));
      }
      return files;
    }
  }
}
