package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil doctor} from the command line: its exit status and its JSON. */
class DoctorCommandTest {

  @TempDir Path tmp;
  private Path config;
  private Path dataDir;

  @BeforeEach
  void aDataDirectoryOfThisUserAndAConfigurationOnFreePorts() throws Exception {
    dataDir = Files.createDirectory(tmp.resolve("data"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-x---"));
    config =
        Files.writeString(
            tmp.resolve("vigil.yaml"),
            "install-demo-bundle: false\nserver:\n  port: 0\nadmin:\n  port: 0\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
  }

  @Test
  void exitsZeroWhenNothingFailsAndPrintsOneLinePerFinding() {
    Cli.Result r = run();

    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().startsWith("ok    config    " + config + " loads and validates\n"), r.out());
    assertTrue(r.out().contains("\nok    data-dir  " + dataDir + " is 0750\n"), r.out());
    assertTrue(r.out().matches("(?s).*\nvigil doctor: \\d+ ok, \\d+ warn, 0 FAIL\n"), r.out());
  }

  @Test
  void exitsOneOnAFailAndSaysSo() throws Exception {
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    Cli.Result r = run();

    assertEquals(1, r.status(), r.out());
    assertTrue(
        r.out().contains("FAIL  data-dir  " + dataDir + " is 0777, more open than 0750"), r.out());
    assertTrue(r.out().contains("-> run: chmod 0750 " + dataDir + "\n"), r.out());
    assertEquals("vigil: doctor: 1 check(s) FAILed; each says what to fix\n", r.err());
  }

  @Test
  void printsTheFindingsAsJson() throws Exception {
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    Cli.Result r = run("--json");

    assertEquals(1, r.status());
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals(false, json.get("ok").asBoolean());
    JsonNode fail = null;
    for (JsonNode f : json.get("findings")) {
      if (f.get("status").asText().equals("FAIL")) {
        fail = f;
      }
    }
    assertEquals("data-dir", fail.get("check").asText());
    assertEquals("run: chmod 0750 " + dataDir, fail.get("fix").asText());
  }

  private Cli.Result run(String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "doctor";
    args[1] = "--config=" + config;
    args[2] = "--data-dir=" + dataDir;
    args[3] = "--full";
    System.arraycopy(more, 0, args, 4, more.length);
    return Cli.run(args);
  }
}
