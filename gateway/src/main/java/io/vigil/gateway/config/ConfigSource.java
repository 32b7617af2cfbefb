package io.vigil.gateway.config;

import io.vigil.canonical.Sha256;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the configuration came from, for the {@code config.loaded} ledger event: a file and the
 * sha256 of its bytes, or the embedded defaults.
 */
public record ConfigSource(Optional<Path> file, Optional<String> fileSha256) {

  /** No file: the embedded defaults. */
  public static ConfigSource embedded() {
    return new ConfigSource(Optional.empty(), Optional.empty());
  }

  /** A file with these bytes. */
  public static ConfigSource file(Path file, byte[] bytes) {
    return new ConfigSource(
        Optional.of(file.toAbsolutePath().normalize()), Optional.of(Sha256.hex(bytes)));
  }
}
