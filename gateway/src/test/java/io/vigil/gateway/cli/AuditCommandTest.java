package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspector's commands on a real ledger written by a real gateway. */
class AuditCommandTest {

  @TempDir Path dir;
  Path dataDir;

  @BeforeEach
  void aGatewayAnsweredSomePredictions() throws Exception {
    dataDir = dir.resolve("data");
    TestGateways.preinstall(dataDir, TestBundles.bundle());
    HttpClient client = HttpClient.newHttpClient();
    try (Gateway gateway = Gateway.start(TestGateways.config(dataDir))) {
      for (int i = 0; i < 20; i++) {
        assertEquals(200, TestGateways.inferTestRow(client, gateway.port(), i));
      }
    }
  }

  @Test
  void verifyPassesOnAnUntouchedLedger() {
    Cli.Result r = Cli.run("audit", "verify", "--data-dir", dataDir.toString());

    assertEquals(0, r.status(), r.out() + r.err());
  }

  @Test
  void verifyFailsAndNamesTheEntryWhenOneByteOfAnEntryChanged() throws Exception {
    long changed;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Ledgers.database(dataDir));
        Statement s = c.createStatement()) {
      dropInsertOnlyTriggers(s);
      long seq;
      try (java.sql.ResultSet rs =
          s.executeQuery(
              "SELECT max(seq) FROM entries WHERE kind = 'prediction' AND CAST(canonical AS TEXT)"
                  + " LIKE '%0.5%'")) {
        seq = rs.getLong(1);
      }
      changed = seq;
      s.executeUpdate(
          "UPDATE entries SET canonical = CAST(replace(CAST(canonical AS TEXT), '0.5', '0.6') AS BLOB) WHERE seq = "
              + seq);
    }

    Cli.Result r = Cli.run("audit", "verify", "--data-dir", dataDir.toString());

    assertEquals(Vigil.EXIT_FAILED, r.status());
    assertTrue(changed > 0);
    assertTrue(r.out().contains("entry " + changed), r.out());
  }

  @Test
  void verifyAgainstAHeldCheckpointCatchesARestoredOlderCopy() throws Exception {
    Path db = Ledgers.database(dataDir);
    Path backup = dir.resolve("backup");
    Files.createDirectories(backup);
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path f = Path.of(db + suffix);
      if (Files.exists(f)) {
        Files.copy(f, backup.resolve(f.getFileName()));
      }
    }
    aGatewayAnsweredSomePredictions();
    String note = latestCheckpoint(5);
    Path held = dir.resolve("held-checkpoint.txt");
    Files.writeString(held, note);
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path f = backup.resolve(db.getFileName() + suffix);
      Path target = Path.of(db + suffix);
      if (Files.exists(f)) {
        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(target);
      }
    }

    Cli.Result alone = Cli.run("audit", "verify", "--data-dir", dataDir.toString());
    Cli.Result withHeld =
        Cli.run(
            "audit", "verify", "--data-dir", dataDir.toString(), "--checkpoint", held.toString());

    assertEquals(0, alone.status(), "the restored copy is consistent in itself: " + alone.out());
    assertEquals(Vigil.EXIT_FAILED, withHeld.status(), withHeld.out());
    assertTrue(withHeld.out().toLowerCase().contains("checkpoint"), withHeld.out());
  }

  @Test
  void aProofChecksWithoutTheDatabaseAndAnAlteredOneDoesNot() throws Exception {
    String vkey = verifierKey();
    Cli.Result proof = Cli.run("audit", "prove", "7", "--data-dir", dataDir.toString());
    Path file = dir.resolve("proof.json");
    Files.writeString(file, proof.out());

    Cli.Result ok = Cli.run("audit", "check-proof", file.toString(), "--key", vkey);
    Cli.Result tampered =
        Cli.runWithInput(
            proof.out().replace("\"leaf_index\":7", "\"leaf_index\":8"),
            "audit",
            "check-proof",
            "-",
            "--key",
            vkey);

    assertEquals(0, proof.status(), proof.err());
    assertEquals(0, ok.status(), ok.out() + ok.err());
    assertTrue(ok.out().startsWith("ok: entry 7"), ok.out());
    assertEquals(Vigil.EXIT_FAILED, tampered.status(), tampered.out());
  }

  @Test
  void exportWritesOneLineWithItsProofPerEntry() {
    Cli.Result r =
        Cli.run("audit", "export", "--from", "0", "--to", "10", "--data-dir", dataDir.toString());

    assertEquals(0, r.status(), r.err());
    assertEquals(10, r.out().lines().count());
    assertTrue(r.out().lines().allMatch(l -> l.contains("\"checkpoint\"")), r.out());
  }

  @Test
  void consistencyProofsCheckBetweenTwoCheckpoints() throws Exception {
    String vkey = verifierKey();
    String older = latestCheckpoint(0);
    aGatewayAnsweredSomePredictions();
    String newer = latestCheckpoint(0);
    long oldSize = Long.parseLong(older.lines().skip(1).findFirst().orElseThrow());
    long newSize = Long.parseLong(newer.lines().skip(1).findFirst().orElseThrow());
    Files.writeString(dir.resolve("old.txt"), older);
    Files.writeString(dir.resolve("new.txt"), newer);

    Cli.Result proof =
        Cli.run(
            "audit",
            "consistency",
            Long.toString(oldSize),
            Long.toString(newSize),
            "--data-dir",
            dataDir.toString());
    Files.writeString(dir.resolve("c.json"), proof.out());
    Cli.Result check =
        Cli.run(
            "audit",
            "check-consistency",
            dir.resolve("c.json").toString(),
            "--old",
            dir.resolve("old.txt").toString(),
            "--new",
            dir.resolve("new.txt").toString(),
            "--key",
            vkey);
    Cli.Result swapped =
        Cli.run(
            "audit",
            "check-consistency",
            dir.resolve("c.json").toString(),
            "--old",
            dir.resolve("new.txt").toString(),
            "--new",
            dir.resolve("old.txt").toString(),
            "--key",
            vkey);

    assertTrue(newSize > oldSize, older + " / " + newer);
    assertEquals(0, check.status(), check.out() + check.err());
    assertEquals(Vigil.EXIT_FAILED, swapped.status());
  }

  @Test
  void replayReproducesEveryRecordedOutput() {
    Cli.Result r = Cli.run("audit", "replay", "--data-dir", dataDir.toString());

    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("ok: 20 predictions replayed, 0 differences"), r.out());
  }

  @Test
  void replayReportsAnOutputThatDiffersFromTheRecord() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Ledgers.database(dataDir));
        Statement s = c.createStatement()) {
      dropInsertOnlyTriggers(s);
      // A forged record: the output of entry 12 is not what the model says (verify would catch the
      // tree too; replay names the output).
      s.executeUpdate(
          "UPDATE entries SET canonical = CAST(replace(CAST(canonical AS TEXT), '\"values\":[0.', '\"values\":[0.9') AS BLOB) WHERE seq = 12");
    }

    Cli.Result r = Cli.run("audit", "replay", "--data-dir", dataDir.toString());

    assertEquals(Vigil.EXIT_FAILED, r.status(), r.out());
    assertTrue(r.out().contains("DIFFERS entry 12"), r.out());
  }

  /** What someone with root on the box can do first: the triggers only stop honest mistakes. */
  private static void dropInsertOnlyTriggers(Statement s) throws java.sql.SQLException {
    java.util.List<String> names = new java.util.ArrayList<>();
    try (java.sql.ResultSet r =
        s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger'")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    for (String name : names) {
      s.execute("DROP TRIGGER " + name);
    }
  }

  private String verifierKey() {
    Cli.Result identity = Cli.run("identity", "--data-dir", dataDir.toString());
    return identity
        .out()
        .lines()
        .filter(l -> l.startsWith("verifier key"))
        .findFirst()
        .orElseThrow()
        .substring("verifier key".length())
        .strip();
  }

  /** The signed checkpoint that a proof of entry {@code seq} carries: the latest one. */
  private String latestCheckpoint(long seq) throws Exception {
    Cli.Result proof =
        Cli.run("audit", "prove", Long.toString(seq), "--data-dir", dataDir.toString());
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(proof.out())
        .path("checkpoint")
        .asText();
  }
}
