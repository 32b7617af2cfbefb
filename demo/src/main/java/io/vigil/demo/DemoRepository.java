package io.vigil.demo;

import io.vigil.canonical.Sha256;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the demonstration TUF repository that carries the demo bundle, byte for byte the same
 * every build: its keys come from published seeds and its clock is the build's fixed timestamp, so
 * its root is marked as a demonstration root, which a gateway lets approve demonstration bundles
 * only. It expires in a century: a demonstration must run on a machine that is never updated.
 */
public final class DemoRepository {

  /** The build's fixed timestamp ({@code project.build.outputTimestamp}). */
  static final Instant SIGNED_AT = Instant.parse("2026-01-01T00:00:00Z");

  static final Duration LIFETIME = Duration.ofDays(36_500);

  private DemoRepository() {}

  /** {@code BUNDLE REPOSITORY-DIR}: writes the repository, replacing an older one. */
  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: DemoRepository BUNDLE REPOSITORY-DIR, got " + List.of(args));
    }
    Path dir = Path.of(args[1]);
    deleteTree(dir);
    Bundle bundle = BundleReader.read(Path.of(args[0]));
    Map<String, SigningKey> keys = new HashMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      byte[] seed =
          Sha256.of(
              ("vigil demonstration repository, public key seed: " + role)
                  .getBytes(StandardCharsets.UTF_8));
      keys.put(role, SigningKey.fromSeed(seed));
    }
    Repository repo =
        Repository.create(
            dir,
            Repository.inMemory(keys),
            Clock.fixed(SIGNED_AT, ZoneOffset.UTC),
            new Expiry(LIFETIME, LIFETIME, LIFETIME, LIFETIME),
            true);
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()).toJson());
    System.out.println(
        "vigil-demo: wrote the demonstration repository "
            + dir
            + " (root version "
            + repo.root().version()
            + ")");
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
