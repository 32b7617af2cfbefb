package io.vigil.gateway.doctor;

import io.vigil.gateway.install.Installer;
import io.vigil.trust.TrustException;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The trusted roots: each repository under {@code trust.dir} has a root that parses and is signed
 * by its own keys, and each {@code trust.roots} file is one that start-up would accept.
 *
 * <p>An expired trusted root is a warning, not a failure: the models installed go on answering, and
 * the next install fetches the newer root the manufacturer must publish; only updates wait.
 */
final class TrustCheck implements Check {

  static final String NAME = "trust";

  /** How long before its expiry a root is worth a warning: a new one must reach the ward. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  @Override
  public List<Finding> run(Installation in) {
    List<Finding> out = new ArrayList<>();
    Path dir = in.config().trustDir().toAbsolutePath().normalize();
    List<Path> repositories = list(dir, Files::isDirectory);
    for (Path repo : repositories) {
      out.add(trusted(in, repo));
    }
    List<Path> rootFiles = List.of();
    if (in.config().trustRoots().isPresent()) {
      Path roots = in.config().trustRoots().get().toAbsolutePath().normalize();
      if (!Files.isDirectory(roots)) {
        out.add(
            Finding.fail(
                NAME,
                "trust.roots " + roots + " is not a directory: the gateway will not start",
                "run: install -d -m 0750 "
                    + roots
                    + ", or edit "
                    + in.configName()
                    + ": trust.roots"));
      } else {
        rootFiles = list(roots, f -> f.getFileName().toString().endsWith(Installer.ROOT_SUFFIX));
        for (Path file : rootFiles) {
          out.add(rootFile(in, dir, file));
        }
      }
    }
    if (repositories.isEmpty() && rootFiles.isEmpty() && !in.config().installDemoBundle()) {
      out.add(
          Finding.warn(
              NAME,
              "no repository is trusted in " + dir + ": no model can be installed",
              "run: vigil install --repo DIR --root FILE, or put <repository>.root.json in"
                  + " trust.roots"));
    } else if (repositories.isEmpty() && rootFiles.isEmpty()) {
      out.add(Finding.ok(NAME, "no repository trusted yet in " + dir));
    }
    return out;
  }

  private static Finding trusted(Installation in, Path repo) {
    Path file = repo.resolve("root.json");
    String name = repo.getFileName().toString();
    Root root;
    try {
      root = selfSigned(Files.readAllBytes(file));
    } catch (IOException | TrustException e) {
      return Finding.fail(
          NAME,
          "repository '" + name + "': " + file + " is not a trusted root: " + reason(e),
          "restore "
              + repo
              + " from the backup, or remove it and trust the root again with"
              + " vigil install --root");
    }
    if (root.demo()) {
      return Finding.warn(
          NAME,
          "repository '"
              + name
              + "' is the demonstration root (its keys are public; it installs"
              + " only demonstration bundles)",
          "edit " + in.configName() + ": set install-demo-bundle: false before clinical use");
    }
    return expiry(in, "repository '" + name + "' root v" + root.version(), root);
  }

  private static Finding rootFile(Installation in, Path trustDir, Path file) {
    String fileName = file.getFileName().toString();
    String name = fileName.substring(0, fileName.length() - Installer.ROOT_SUFFIX.length());
    boolean trusted = Files.exists(trustDir.resolve(name).resolve("root.json"));
    String fix = "replace " + file + " with the manufacturer's root metadata, or remove it";
    if (!Installer.isRepositoryName(name)) {
      return Finding.fail(
          NAME,
          "trust.roots "
              + file
              + ": '"
              + name
              + "' is not a repository name (lower-case letters,"
              + " digits, '.', '_', '-'): the gateway will not start",
          "rename " + file);
    }
    Root root;
    try {
      root = selfSigned(Files.readAllBytes(file));
    } catch (IOException | TrustException e) {
      String what = "trust.roots " + file + " is not a valid root: " + reason(e);
      return trusted
          ? Finding.warn(NAME, what + " (ignored: '" + name + "' is trusted already)", fix)
          : Finding.fail(NAME, what + ": the gateway will not start", fix);
    }
    if (root.demo() && !name.equals(Installer.DEMO)) {
      return Finding.fail(
          NAME,
          "trust.roots "
              + file
              + " is a demonstration root under the name '"
              + name
              + "': the"
              + " gateway will not start",
          fix);
    }
    if (trusted) {
      return Finding.ok(NAME, "trust.roots " + file + " (repository '" + name + "' is trusted)");
    }
    return expiry(
        in, "trust.roots " + file + " root v" + root.version() + ", trusted at start", root);
  }

  private static Finding expiry(Installation in, String what, Root root) {
    Instant now = in.clock().instant();
    Instant expires = root.expires();
    String fix =
        "ask the manufacturer for a newer root, then run: vigil install --repo DIR (a root"
            + " changes only by rotation)";
    if (!expires.isAfter(now)) {
      return Finding.warn(
          NAME, what + " expired on " + expires + ": no update installs until it is rotated", fix);
    }
    if (expires.isBefore(now.plus(EXPIRY_WARNING))) {
      return Finding.warn(NAME, what + " expires on " + expires, fix);
    }
    return Finding.ok(NAME, what + " is valid until " + expires);
  }

  private static Root selfSigned(byte[] bytes) {
    Metadata<Root> m = Metadata.root(bytes);
    m.verify("root", m.signed().role("root"), m.signed().keys());
    return m.signed();
  }

  private static String reason(Exception e) {
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
  }

  private static List<Path> list(Path dir, java.util.function.Predicate<Path> filter) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(filter).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
