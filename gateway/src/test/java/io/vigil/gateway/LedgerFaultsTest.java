package io.vigil.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged ledger at start and a stepped clock, each on a real {@code vigil} process. */
class LedgerFaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Debian's libfaketime, under the machine's multiarch folder (x86_64-linux-gnu, aarch64-...). */
  private static final Path LIBFAKETIME = libfaketime();

  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir Path work;

  @Test
  void aDamagedLedgerIsRefusedAtStartAndRecoveredIntoOneChain() throws Exception {
    Path data = work.resolve("data");
    runAndStop(data, List.of(), 30);
    Path db = data.resolve("audit.db");
    byte[] before = Files.readAllBytes(db);
    garblePage(db, 3);

    GatewayProcess.Exited refused = serve(data);
    GatewayProcess.Exited verify = vigil("audit", "verify", "--data-dir", data.toString());
    GatewayProcess.Exited recover = vigil("audit", "recover", "--data-dir", data.toString());
    runAndStop(data, List.of(), 5);
    List<JsonNode> entries = export(data);

    assertEquals(65, refused.status(), refused.output());
    assertTrue(refused.output().contains(db.toString()), refused.output());
    assertTrue(refused.output().contains("vigil audit recover"), refused.output());
    assertFalse(refused.hasStackTrace(), refused.output());
    assertNotEquals(0, verify.status(), verify.output());
    assertTrue(verify.output().contains(db.toString()), verify.output());
    assertEquals(0, recover.status(), recover.output());
    assertTrue(recover.output().contains("moved the damaged ledger, intact"), recover.output());
    Path moved =
        Files.list(data)
            .filter(p -> p.getFileName().toString().startsWith("ledger-damaged-"))
            .findFirst()
            .orElseThrow();
    byte[] kept = Files.readAllBytes(moved.resolve("audit.db"));
    assertEquals(before.length, kept.length, "the damaged file is kept whole");
    JsonNode first = entries.get(0).path("entry").path("event");
    assertEquals("ledger.continued", first.path("type").asText(), entries.get(0).toString());
    assertTrue(
        first.path("details").path("previous_ledger").asText().startsWith("ledger-damaged-"),
        first.toString());
    assertTrue(
        entries.stream().anyMatch(e -> e.path("entry").has("prediction")),
        "the recovered gateway answers and records");
  }

  @Test
  void aClockStepBackwardsIsAnEventAndNoEntryTimeGoesBackWithoutIt() throws Exception {
    // libfaketime (Debian's faketime) moves the wall clock of the gateway's JVM alone, as NTP
    // correcting a bad real-time clock would; the monotonic clock keeps running.
    FaultTools.require(Files.exists(LIBFAKETIME), "needs faketime (Debian package faketime)");
    Path offset = Files.writeString(work.resolve("faketime.rc"), "+0\n");
    List<String> wrapper =
        List.of(
            "env",
            "LD_PRELOAD=" + LIBFAKETIME,
            "FAKETIME_TIMESTAMP_FILE=" + offset,
            // Re-read the offset file at most once a second, not on every clock read: with
            // FAKETIME_NO_CACHE the JVM's start (every clock read a file read) took over the
            // 60 s readiness limit on a loaded CI machine. The test waits 1.5 s after a change.
            "FAKETIME_CACHE_DURATION=1",
            "FAKETIME_DONT_FAKE_MONOTONIC=1");
    Path data = work.resolve("data");
    try (GatewayProcess g =
        GatewayProcess.startUnder(
            wrapper,
            Duration.ofSeconds(180),
            work,
            "serve",
            "--data-dir",
            data.toString(),
            "--port",
            "0")) {
      for (int i = 0; i < 5; i++) {
        assertEquals(200, TestGateways.inferTestRowOfDemo(client, g.port()));
      }
      Files.writeString(offset, "-1h\n");
      Thread.sleep(1500);
      for (int i = 0; i < 5; i++) {
        assertEquals(200, TestGateways.inferTestRowOfDemo(client, g.port()));
      }
      g.terminate();
      assertEquals(143, g.waitFor(60));
    }
    List<JsonNode> entries = export(data);

    List<String> stepped = new ArrayList<>();
    Instant last = Instant.MIN;
    for (JsonNode e : entries) {
      Instant time = Instant.parse(e.path("entry").path("time").asText());
      String type = e.path("entry").path("event").path("type").asText();
      if (type.equals("clock.stepped")) {
        stepped.add(e.path("entry").path("event").path("details").toString());
      } else {
        assertTrue(
            !time.isBefore(last) || !stepped.isEmpty(),
            "entry " + e.path("entry").path("seq") + " goes back in time without clock.stepped");
      }
      last = time;
    }
    assertEquals(1, stepped.size(), "one step recorded: " + stepped);
    Map<?, ?> details = JSON.readValue(stepped.get(0), Map.class);
    long step = ((Number) details.get(stepKey(details))).longValue();
    assertTrue(step < -3_500_000 && step > -3_700_000, "a step of about -1 h: " + details);
  }

  private static Path libfaketime() {
    try (var dirs = Files.list(Path.of("/usr/lib"))) {
      return dirs.map(d -> d.resolve("faketime/libfaketime.so.1"))
          .filter(Files::exists)
          .findFirst()
          .orElse(Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"));
    } catch (java.io.IOException e) {
      return Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    }
  }

  private static String stepKey(Map<?, ?> details) {
    return details.keySet().stream()
        .map(Object::toString)
        .filter(k -> k.startsWith("step"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step in " + details));
  }

  private void runAndStop(Path data, List<String> wrapper, int requests) throws Exception {
    try (GatewayProcess g =
        GatewayProcess.startUnder(
            wrapper, work, "serve", "--data-dir", data.toString(), "--port", "0")) {
      for (int i = 0; i < requests; i++) {
        assertEquals(200, TestGateways.inferTestRowOfDemo(client, g.port()));
      }
      g.terminate();
      assertEquals(143, g.waitFor(60));
    }
  }

  private GatewayProcess.Exited serve(Path data) throws Exception {
    return vigil("serve", "--data-dir", data.toString(), "--port", "0");
  }

  private GatewayProcess.Exited vigil(String... args) throws Exception {
    return GatewayProcess.run(work, 120, args);
  }

  private List<JsonNode> export(Path data) throws Exception {
    GatewayProcess.Exited out = vigil("audit", "export", "--data-dir", data.toString());
    assertEquals(0, out.status(), out.output());
    List<JsonNode> entries = new ArrayList<>();
    for (String line : out.output().split("\n")) {
      if (line.startsWith("{")) {
        entries.add(JSON.readTree(line));
      }
    }
    return entries;
  }

  /** Overwrites one page of the database (SQLite's default page is 4096 bytes) with noise. */
  private static void garblePage(Path db, int page) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      assertTrue(f.length() > (page + 1) * 4096L, "the database has page " + page);
      byte[] noise = new byte[4096];
      new java.util.Random(page).nextBytes(noise);
      f.seek(page * 4096L);
      f.write(noise);
    }
  }
}
