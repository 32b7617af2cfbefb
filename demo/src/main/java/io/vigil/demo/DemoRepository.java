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
 *
 * <p>It comes in two states: {@code repository}, which approves 1.0.0 and which a gateway installs
 * at its first start, and {@code repository-update}, the same repository after the manufacturer
 * approved 1.1.0 for local approval, which a person publishes to show an update.
 */
public final class DemoRepository {

  /** The build's fixed timestamp ({@code project.build.outputTimestamp}). */
  static final Instant SIGNED_AT = Instant.parse("2026-01-01T00:00:00Z");

  static final Duration LIFETIME = Duration.ofDays(36_500);

  private DemoRepository() {}

  /**
   * {@code BUNDLE REPOSITORY-DIR [UPDATE-BUNDLE UPDATE-DIR]}: writes the repository, replacing an
   * older one, and, when asked, its update: the same repository one step later.
   */
  public static void main(String[] args) {
    if (args.length != 2 && args.length != 4) {
      throw new IllegalArgumentException(
          "usage: DemoRepository BUNDLE REPOSITORY-DIR [UPDATE-BUNDLE UPDATE-DIR], got "
              + List.of(args));
    }
    Bundle first = BundleReader.read(Path.of(args[0]));
    Repository repo = write(Path.of(args[1]), first);
    System.out.println(
        "vigil-demo: wrote the demonstration repository "
            + repo.dir()
            + " (root version "
            + repo.root().version()
            + ", targets version "
            + repo.targets().version()
            + ")");
    if (args.length == 4) {
      Repository update = writeUpdate(Path.of(args[3]), first, BundleReader.read(Path.of(args[2])));
      System.out.println(
          "vigil-demo: wrote its update "
              + update.dir()
              + " (targets version "
              + update.targets().version()
              + ")");
    }
  }

  /** The repository a demonstration gateway installs at its first start: {@code first} only. */
  static Repository write(Path dir, Bundle first) {
    deleteTree(dir);
    Repository repo = create(dir);
    approve(repo, first, TargetCustom.Rollout.AUTOMATIC);
    return repo;
  }

  /**
   * The same repository one step later: every file of {@link #write} the same, then new targets,
   * snapshot and timestamp versions that add {@code update}, to be approved by a local operator, so
   * that a gateway that runs {@code first} is offered an update under the same root.
   */
  static Repository writeUpdate(Path dir, Bundle first, Bundle update) {
    Repository repo = write(dir, first);
    approve(repo, update, TargetCustom.Rollout.LOCAL_APPROVAL);
    return repo;
  }

  private static Repository create(Path dir) {
    Map<String, SigningKey> keys = new HashMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      byte[] seed =
          Sha256.of(
              ("vigil demonstration repository, public key seed: " + role)
                  .getBytes(StandardCharsets.UTF_8));
      keys.put(role, SigningKey.fromSeed(seed));
    }
    return Repository.create(
        dir,
        Repository.inMemory(keys),
        Clock.fixed(SIGNED_AT, ZoneOffset.UTC),
        new Expiry(LIFETIME, LIFETIME, LIFETIME, LIFETIME),
        true);
  }

  private static void approve(Repository repo, Bundle bundle, TargetCustom.Rollout rollout) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), rollout, List.of()).toJson());
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
