package io.vigil.demo;

import io.vigil.canonical.Sha256;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.key.KeyFiles;
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
 * named a command key in root version 2 and approved 1.1.0 for local approval, which a person
 * publishes to show an update and then rolls back with a command signed by that key ({@code
 * keys/commands.key}, shipped beside it, as public as the rest).
 */
public final class DemoRepository {

  /** The build's fixed timestamp ({@code project.build.outputTimestamp}). */
  static final Instant SIGNED_AT = Instant.parse("2026-01-01T00:00:00Z");

  static final Duration LIFETIME = Duration.ofDays(36_500);

  /** The name of the demonstration command key's files: {@code commands.key}, {@code .pub}. */
  static final String COMMAND_KEY = "commands";

  /** What the demonstration command key's file says before its PEM block. */
  static final String COMMAND_KEY_WARNING =
      "# DEMONSTRATION KEY, PUBLIC BY DESIGN: its seed is published in Vigil's source"
          + " (io.vigil.demo.DemoRepository),\n"
          + "# so anyone can sign commands with it. Only the demonstration repository's root"
          + " (version 2, x-vigil-demo)\n"
          + "# names it, for gateways with sync.repository: demo. Never name it in a real root.\n";

  private DemoRepository() {}

  /**
   * {@code BUNDLE REPOSITORY-DIR [UPDATE-BUNDLE UPDATE-DIR KEYS-DIR]}: writes the repository,
   * replacing an older one, and, when asked, its update (the same repository one step later) and
   * the command key that the update's root names.
   */
  public static void main(String[] args) {
    if (args.length != 2 && args.length != 5) {
      throw new IllegalArgumentException(
          "usage: DemoRepository BUNDLE REPOSITORY-DIR [UPDATE-BUNDLE UPDATE-DIR KEYS-DIR], got "
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
    if (args.length == 5) {
      Repository update = writeUpdate(Path.of(args[3]), first, BundleReader.read(Path.of(args[2])));
      Path key = writeCommandKey(Path.of(args[4]));
      System.out.println(
          "vigil-demo: wrote its update "
              + update.dir()
              + " (root version "
              + update.root().version()
              + ", targets version "
              + update.targets().version()
              + ") and the demonstration command key "
              + key);
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
   * The same repository one step later: every file of {@link #write} the same but the newest root's
   * copy and the timestamp; then root version 2, signed by the same root key, that names the
   * demonstration command key (threshold 1) in {@code x-vigil-commands}; then new targets, snapshot
   * and timestamp versions that add {@code update}, to be approved by a local operator. A gateway
   * that runs {@code first} follows the rotation when it refreshes, so that it is offered the
   * update and takes commands signed by {@link #commandKey()}.
   */
  static Repository writeUpdate(Path dir, Bundle first, Bundle update) {
    Repository repo = write(dir, first);
    repo.commandKeys(List.of(commandKey().publicKey()), 1);
    approve(repo, update, TargetCustom.Rollout.LOCAL_APPROVAL);
    return repo;
  }

  /** The demonstration command key: derived from a published seed, like the role keys. */
  static SigningKey commandKey() {
    return demoKey(COMMAND_KEY);
  }

  /**
   * Writes {@code commands.key} (PKCS#8 PEM, mode 0600, after a comment that says it is a public
   * demonstration key) and {@code commands.pub} in {@code dir}, replacing older ones; returns the
   * private key's file, which {@code vigil fleet command --key} reads.
   */
  static Path writeCommandKey(Path dir) {
    deleteTree(dir);
    KeyFiles.write(commandKey(), dir, COMMAND_KEY);
    Path file = dir.resolve(COMMAND_KEY + KeyFiles.PRIVATE_SUFFIX);
    try {
      Files.writeString(file, COMMAND_KEY_WARNING + Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private static SigningKey demoKey(String name) {
    byte[] seed =
        Sha256.of(
            ("vigil demonstration repository, public key seed: " + name)
                .getBytes(StandardCharsets.UTF_8));
    return SigningKey.fromSeed(seed);
  }

  private static Repository create(Path dir) {
    Map<String, SigningKey> keys = new HashMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, demoKey(role));
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
