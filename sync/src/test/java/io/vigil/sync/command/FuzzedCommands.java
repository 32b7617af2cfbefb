package io.vigil.sync.command;

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
 * What the command fuzz tests share: a gateway's verifier, at a fixed time, under a root that names
 * one command key.
 */
final class FuzzedCommands {

  static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");

  final SigningKey commandKey = SigningKey.generate();
  final Root root;
  final CommandVerifier verifier;

  FuzzedCommands() {
    Path base;
    try {
      base = Files.createTempDirectory("vigil-fuzz-command");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, SigningKey> roleKeys = new HashMap<>();
    for (String role : Root.TOP_LEVEL) {
      roleKeys.put(role, SigningKey.generate());
    }
    Repository repo =
        Repository.create(
            base.resolve("repository"),
            Repository.inMemory(roleKeys),
            Clock.fixed(NOW.minusSeconds(86_400), ZoneOffset.UTC),
            Expiry.DEFAULT,
            false);
    repo.commandKeys(List.of(commandKey.publicKey()), 1);
    root = repo.root();
    verifier =
        CommandVerifier.create(
            "fleet-1",
            "gw-1",
            Clock.fixed(NOW, ZoneOffset.UTC),
            ReplayGuard.open(base.resolve("gateway/commands.json")));
  }
}
