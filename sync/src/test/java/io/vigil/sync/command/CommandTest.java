package io.vigil.sync.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.sync.command.Command.Name;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command's fields, their checks and its canonical payload. */
class CommandTest {

  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final String SHA =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @Test
  void writesACanonicalPayloadThatReadsBackTheSame() {
    Command command =
        new Command(
            "c-1",
            "fleet-a",
            "gw-1",
            Name.ROLLBACK,
            Map.of("model", "wdbc", "version", "1.0.0", "sha256", SHA),
            9,
            NOW,
            NOW.plusSeconds(3600));

    byte[] payload = CommandJson.write(command);

    assertEquals(
        "{\"arguments\":{\"model\":\"wdbc\",\"sha256\":\""
            + SHA
            + "\",\"version\":\"1.0.0\"},\"command\":\"rollback\",\"counter\":9,"
            + "\"expires_at\":\"2030-03-01T13:00:00Z\",\"fleet\":\"fleet-a\",\"gateway\":\"gw-1\","
            + "\"id\":\"c-1\",\"issued_at\":\"2030-03-01T12:00:00Z\"}",
        new String(payload, UTF_8));
    assertArrayEquals(payload, CanonicalJson.bytes(Json.parse(payload)));
    assertEquals(command, CommandJson.read(payload));
  }

  @Test
  void rollbackNamesTheModelTheVersionAndTheBundleDigest() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> command(Name.ROLLBACK, Map.of("model", "wdbc", "version", "1.0.0")));

    assertTrue(e.getMessage().contains("rollback needs the argument(s) [sha256]"), e.getMessage());
  }

  @Test
  void suspendAndResumeTakeAModelAndOptionallyAVersion() {
    assertEquals(
        Map.of("model", "wdbc"), command(Name.SUSPEND, Map.of("model", "wdbc")).arguments());
    assertEquals(
        "1.0.0",
        command(Name.RESUME, Map.of("model", "wdbc", "version", "1.0.0"))
            .arguments()
            .get("version"));
  }

  @Test
  void refusesAnArgumentTheCommandDoesNotTake() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> command(Name.SUMMARY_NOW, Map.of("model", "wdbc")));

    assertTrue(e.getMessage().contains("summary-now takes no argument 'model'"), e.getMessage());
  }

  @Test
  void refusesAGatewayThatIsNotOneTopicLevel() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Command(
                "c-1", "fleet-a", "gw/+", Name.SUMMARY_NOW, Map.of(), 1, NOW, NOW.plusSeconds(1)));
  }

  @Test
  void refusesACommandThatExpiresBeforeItIsIssued() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Command("c-1", "fleet-a", "gw-1", Name.SUMMARY_NOW, Map.of(), 1, NOW, NOW));
  }

  private static Command command(Name name, Map<String, String> arguments) {
    return new Command("c-1", "fleet-a", "gw-1", name, arguments, 1, NOW, NOW.plusSeconds(60));
  }
}
