package io.vigil.gateway.install;

import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.DirectorySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A manufacturer's TUF repository for gateway tests, made with the same {@link Repository} that
 * {@code vigil repo} uses, with its keys in memory so that a test can play an attacker who holds
 * one of them.
 */
final class ManufacturerRepository {

  /** The model every test bundle is a release of. */
  static final String MODEL = "test-model";

  final Path dir;
  final Map<String, SigningKey> keys = new HashMap<>();
  final Repository repo;

  ManufacturerRepository(Path dir, Clock clock, Expiry expiry, boolean demo) {
    this.dir = dir;
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, SigningKey.generate());
    }
    this.repo = Repository.create(dir, Repository.inMemory(keys), clock, expiry, demo);
  }

  ManufacturerRepository(Path dir) {
    this(dir, Clock.systemUTC(), Expiry.DEFAULT, false);
  }

  /** A release of the test model; releases differ in their version string, so in their bytes. */
  static Bundle release(long release) {
    return TestBundles.bundle(MODEL, "1.0." + release, release);
  }

  /** Approves {@code bundle} for every site. */
  void approve(Bundle bundle, TargetCustom.Rollout rollout, List<String> sites) {
    repo.add(
        TargetCustom.targetPath(bundle.manifest()),
        bundle.bytes(),
        TargetCustom.of(bundle.manifest(), rollout, sites).toJson());
  }

  void approve(Bundle bundle) {
    approve(bundle, TargetCustom.Rollout.AUTOMATIC, List.of());
  }

  /** What a gateway installs from: the repository's directory. */
  DirectorySource source() {
    return DirectorySource.of(dir);
  }

  /** The first root, given to a gateway once, out of band. */
  byte[] firstRoot() {
    return read(repo.firstRoot());
  }

  /** The request a hospital operator makes, with the first root the first time. */
  InstallRequest request(boolean first) {
    return new InstallRequest(
        Installer.DEFAULT_REPOSITORY,
        source(),
        first ? Optional.of(firstRoot()) : Optional.empty(),
        "operator:test",
        Optional.empty());
  }

  Path metadata(String name) {
    return dir.resolve("metadata").resolve(name);
  }

  /** The stored file of a target, under its hash-prefixed name. */
  Path targetFile(Bundle bundle) {
    String path = TargetCustom.targetPath(bundle.manifest());
    int slash = path.lastIndexOf('/');
    return dir.resolve("targets")
        .resolve(path.substring(0, slash + 1) + bundle.sha256() + "." + path.substring(slash + 1));
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
