package io.vigil.sync.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.sync.command.Command.Name;
import io.vigil.sync.command.CommandException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's durable memory of accepted commands. */
class ReplayGuardTest {

  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");

  @TempDir Path dir;

  @Test
  void startsEmptyWithoutAFile() {
    ReplayGuard guard = ReplayGuard.open(dir.resolve("commands.json"));

    assertEquals(0, guard.highestCounter());
    guard.check(command(1));
  }

  @Test
  void keepsTheHighestCounterInAFileReplacedWithNoTemporaryLeft() throws IOException {
    Path file = dir.resolve("state/commands.json");
    ReplayGuard guard = ReplayGuard.open(file);

    guard.accept(command(3));
    guard.accept(command(7));

    assertEquals(7, ReplayGuard.open(file).highestCounter());
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void forgetsTheOldestIdsBeyondItsLimitButStillRefusesTheirCounters() {
    Path file = dir.resolve("commands.json");
    ReplayGuard guard = ReplayGuard.open(file);
    Command first = command(1);
    guard.accept(first);
    for (int i = 2; i <= ReplayGuard.RECENT_IDS + 1; i++) {
      guard.accept(command(i));
    }

    CommandException e =
        assertThrows(CommandException.class, () -> ReplayGuard.open(file).check(first));

    assertEquals(Code.REPLAYED, e.code());
  }

  @Test
  void refusesADamagedFileRatherThanForgetWhatItAccepted() throws IOException {
    Path file = dir.resolve("commands.json");
    Files.write(file, "{\"highest_counter\": 4".getBytes(UTF_8));

    CommandException e = assertThrows(CommandException.class, () -> ReplayGuard.open(file));

    assertEquals(Code.STORE_FAILED, e.code());
  }

  private static Command command(long counter) {
    return Command.create(
        "fleet-a", "gw-1", Name.SUMMARY_NOW, Map.of(), counter, NOW, Duration.ofHours(1));
  }
}
