package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil repo command-key}: the manufacturer sets the keys that sign its commands. */
class RepoCommandTest {

  @TempDir Path tmp;
  Path repo;
  Path keys;

  @BeforeEach
  void aRepository() {
    repo = tmp.resolve("repo");
    keys = tmp.resolve("repo.keys");
    assertEquals(0, Cli.run("repo", "init", repo.toString()).status());
  }

  @Test
  void makesACommandKeyAndNamesItInTheNextRoot() throws Exception {
    Cli.Result r = Cli.run("repo", "command-key", repo.toString());

    assertEquals(0, r.status(), r.err());
    PublicKey key = KeyFiles.readPublic(keys.resolve("commands.pub"));
    Root root = Metadata.root(Files.readAllBytes(repo.resolve("metadata/2.root.json"))).signed();
    assertEquals(Map.of(key.keyId(), key), root.commandKeys());
    assertTrue(r.out().contains("commands need 1 of 1 key(s)"), r.out());
  }

  @Test
  void aNewCommandKeyRetiresTheOldOne() throws Exception {
    Cli.run("repo", "command-key", repo.toString());
    PublicKey old = KeyFiles.readPublic(keys.resolve("commands.pub"));

    Cli.Result r = Cli.run("repo", "command-key", repo.toString());

    assertEquals(0, r.status(), r.err());
    Root root = Metadata.root(Files.readAllBytes(repo.resolve("metadata/3.root.json"))).signed();
    assertEquals(
        Map.of(
            KeyFiles.readPublic(keys.resolve("commands.pub")).keyId(),
            KeyFiles.readPublic(keys.resolve("commands.pub"))),
        root.commandKeys());
    assertEquals(old, KeyFiles.readPublic(keys.resolve("retired/commands-until-root-2.pub")));
  }

  @Test
  void refusesAThresholdAboveTheNumberOfKeys() {
    Cli.Result r = Cli.run("repo", "command-key", repo.toString(), "--threshold", "2");

    assertEquals(1, r.status());
    assertTrue(r.err().contains("--threshold must be between 1 and the 1 command key(s)"), r.err());
    assertTrue(Files.notExists(keys.resolve("commands.key")));
  }
}
