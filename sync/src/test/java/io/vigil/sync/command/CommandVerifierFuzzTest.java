package io.vigil.sync.command;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.Root;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hostile bytes as a command's envelope: each is verified or refused with {@link CommandException},
 * and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * CommandVerifierFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class CommandVerifierFuzzTest {

  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final SigningKey COMMAND_KEY = SigningKey.generate();
  private static final Path BASE = tempDir();
  private static final Root ROOT = rootWithTheCommandKey();
  private static final CommandVerifier VERIFIER =
      CommandVerifier.create(
          "fleet-1",
          "gw-1",
          Clock.fixed(NOW, ZoneOffset.UTC),
          ReplayGuard.open(BASE.resolve("gateway/commands.json")));

  @FuzzTest(maxDuration = "10s")
  void verifiesAnEnvelopeOrRefusesItWithACode(byte[] envelope) {
    try {
      VERIFIER.verify(envelope, ROOT);
    } catch (CommandException expected) {
      // refused with a code
    }
  }

  private static Root rootWithTheCommandKey() {
    Map<String, SigningKey> roleKeys = new HashMap<>();
    for (String role : Root.TOP_LEVEL) {
      roleKeys.put(role, SigningKey.generate());
    }
    Repository repo =
        Repository.create(
            BASE.resolve("repository"),
            Repository.inMemory(roleKeys),
            Clock.fixed(NOW.minusSeconds(86_400), ZoneOffset.UTC),
            Expiry.DEFAULT,
            false);
    repo.commandKeys(List.of(COMMAND_KEY.publicKey()), 1);
    return repo.root();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("vigil-fuzz-command");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
