package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.access.Credentials;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil devices} and {@code vigil operators} on a data directory. */
class AccessCommandsTest {

  @TempDir Path dataDir;

  @Test
  void addPrintsATokenOnceThatTheFileKnowsOnlyByItsHashAndRevokeEndsIt() throws Exception {
    String out = run("devices", "add", "pump-12", "--data-dir", dataDir.toString());
    String token = out.lines().reduce((a, b) -> b).orElseThrow().strip();
    assertTrue(token.startsWith("vigil_dev_"), out);

    Credentials devices = Credentials.open(dataDir, Credentials.Kind.DEVICES);
    assertEquals("pump-12", devices.byToken(token).orElseThrow().name());
    String file = Files.readString(devices.file());
    // The secret is what follows the token id; base64url may itself contain '_'.
    String idAndSecret = token.substring("vigil_dev_".length());
    String secret = idAndSecret.substring(idAndSecret.indexOf('_') + 1);
    assertTrue(secret.length() >= 20, token);
    assertFalse(file.contains(secret), file);

    assertEquals(0, Vigil.run("devices", "revoke", "pump-12", "--data-dir", dataDir.toString()));
    devices.refresh();
    assertTrue(devices.byToken(token).isEmpty());

    String op =
        run("operators", "add", "alice", "--role", "approver", "--data-dir", dataDir.toString());
    assertTrue(op.contains("(approver)"), op);
    assertEquals(
        1,
        Vigil.run("operators", "add", "bob", "--role", "chief", "--data-dir", dataDir.toString()));
  }

  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Vigil.run(args));
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
