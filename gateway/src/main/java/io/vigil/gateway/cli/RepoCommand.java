package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import io.vigil.trust.tuf.TargetFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil repo}: the manufacturer's side of TUF. A repository is a plain directory ({@code
 * metadata/}, {@code targets/}) that gateways install from and python-tuf reads; its private keys
 * live apart, in {@code DIR.keys/} unless {@code --keys} says otherwise, so that copying the
 * repository to a USB stick never copies a key.
 */
@Command(
    name = "repo",
    mixinStandardHelpOptions = true,
    description = "The manufacturer's TUF repository: approve bundles for a fleet.",
    subcommands = {
      RepoCommand.Init.class,
      RepoCommand.Add.class,
      RepoCommand.Sign.class,
      RepoCommand.Timestamp.class,
      RepoCommand.Rotate.class,
      RepoCommand.CommandKey.class,
      RepoPublishCommand.class
    })
final class RepoCommand {

  /** The options every repo subcommand shares. */
  static class RepoOptions {
    @Parameters(index = "0", paramLabel = "DIR", description = "The repository directory.")
    Path dir;

    @Option(
        names = "--keys",
        paramLabel = "KEYDIR",
        description = "Where the role keys are (default: DIR.keys next to DIR; keep it offline).")
    Path keys;

    Path keysDir() {
      Path abs = dir.toAbsolutePath().normalize();
      return keys != null ? keys : abs.resolveSibling(abs.getFileName() + ".keys");
    }

    Repository open() {
      return Repository.open(
          dir, Repository.keyFiles(keysDir()), Clock.systemUTC(), Expiry.DEFAULT);
    }
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description =
          "Create a repository: one Ed25519 key per role (root, targets, snapshot, timestamp) in"
              + " KEYDIR, root version 1, empty targets. Give metadata/1.root.json to each gateway"
              + " once, out of band (vigil install --root).")
  static final class Init implements Callable<Integer> {
    @picocli.CommandLine.Mixin RepoOptions repo;

    @Override
    public Integer call() {
      Path keys = repo.keysDir();
      if (Files.exists(repo.dir.resolve("metadata"))) {
        throw new GatewayException(Code.IO_FAILED, repo.dir + " already holds a repository");
      }
      for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
        KeyFiles.write(SigningKey.generate(), keys, role);
      }
      Repository r =
          Repository.create(
              repo.dir, Repository.keyFiles(keys), Clock.systemUTC(), Expiry.DEFAULT, false);
      System.out.println("repository  " + r.dir().toAbsolutePath());
      System.out.println(
          "keys        " + keys + " (keep offline; never copy it with the repository)");
      System.out.println(
          "first root  "
              + r.firstRoot().toAbsolutePath()
              + " (give it to each gateway once: vigil install --root)");
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Approve a bundle: add it as a target with its model, version, release, PCCP, rollout and"
              + " sites, and sign new targets, snapshot and timestamp versions.")
  static final class Add implements Callable<Integer> {
    @picocli.CommandLine.Mixin RepoOptions repo;

    @Parameters(index = "1", paramLabel = "BUNDLE", description = "The .vbundle file.")
    Path bundleFile;

    @Option(
        names = "--release",
        required = true,
        paramLabel = "N",
        description =
            "The release counter; it must equal the manifest's and exceed every release of this model in the repository.")
    long release;

    @Option(
        names = "--rollout",
        required = true,
        paramLabel = "MODE",
        description = "automatic, or local-approval (a hospital operator approves it first).")
    String rollout;

    @Option(
        names = "--site",
        paramLabel = "SITE",
        description = "A site it is meant for; repeat for several; none means every site.")
    List<String> sites = new ArrayList<>();

    @Option(
        names = "--architecture",
        paramLabel = "ARCH",
        description =
            "A processor architecture it is certified for (amd64, arm64); repeat for several; none"
                + " means every one.")
    List<String> architectures = new ArrayList<>();

    @Override
    public Integer call() {
      Bundle bundle = BundleReader.read(bundleFile);
      if (bundle.manifest().release() != release) {
        throw new GatewayException(
            Code.DATA_INVALID,
            bundleFile
                + " is release "
                + bundle.manifest().release()
                + " in its manifest, not "
                + release
                + " as --release says");
      }
      TargetCustom.Rollout mode;
      try {
        mode = TargetCustom.Rollout.of(rollout);
      } catch (IllegalArgumentException e) {
        throw new GatewayException(Code.DATA_INVALID, "--rollout: " + e.getMessage());
      }
      Repository r = repo.open();
      for (TargetFile t : r.targets().targets().values()) {
        TargetCustom existing = TargetCustom.fromJson(t.custom().orElse(null), t.path());
        if (existing.modelId().equals(bundle.manifest().modelId())
            && existing.release() >= release) {
          throw new GatewayException(
              Code.DATA_INVALID,
              "model "
                  + existing.modelId()
                  + " already has release "
                  + existing.release()
                  + " ("
                  + t.path()
                  + "); a new release must be higher, never reused");
        }
      }
      TargetCustom custom =
          TargetCustom.of(bundle.manifest(), mode, sites).withArchitectures(architectures);
      TargetFile added =
          r.add(TargetCustom.targetPath(bundle.manifest()), bundle.bytes(), custom.toJson());
      System.out.println("approved    " + added);
      System.out.println("custom      " + custom.toJson());
      System.out.println(
          "targets     version "
              + r.targets().version()
              + ", timestamp expires "
              + Expiry.DEFAULT.timestamp().toDays()
              + " days from now");
      return 0;
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = "Sign new versions of targets, snapshot and timestamp, with new expiry dates.")
  static final class Sign implements Callable<Integer> {
    @picocli.CommandLine.Mixin RepoOptions repo;

    @Override
    public Integer call() {
      Repository r = repo.open();
      r.signAll();
      System.out.println(
          "signed targets version " + r.targets().version() + " and a new snapshot and timestamp");
      return 0;
    }
  }

  @Command(
      name = "timestamp",
      mixinStandardHelpOptions = true,
      description =
          "Sign a new timestamp version, with a new expiry date (run it at least weekly).")
  static final class Timestamp implements Callable<Integer> {
    @picocli.CommandLine.Mixin RepoOptions repo;

    @Override
    public Integer call() {
      repo.open().timestamp();
      System.out.println("signed a new timestamp");
      return 0;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Replace a role's key: a new root version signed by the old and the new root keys, and"
              + " new versions of the roles it affects. The old key moves to KEYDIR/retired/.")
  static final class Rotate implements Callable<Integer> {
    @picocli.CommandLine.Mixin RepoOptions repo;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "root, targets, snapshot or timestamp.")
    String role;

    @Override
    public Integer call() {
      Repository r = repo.open();
      SigningKey fresh;
      try {
        fresh = r.rotate(role);
      } catch (IllegalArgumentException e) {
        throw new GatewayException(Code.DATA_INVALID, "--role: " + e.getMessage());
      }
      System.out.println("rotated     " + role + " to key " + fresh.keyId());
      System.out.println("root        version " + r.root().version());
      return 0;
    }
  }

  @Command(
      name = "command-key",
      mixinStandardHelpOptions = true,
      description =
          "Set the keys that sign commands to gateways (rollback, suspend, resume, summary-now): a"
              + " new root version, signed by the root key, that names them in x-vigil-commands."
              + " Without --key, a new key KEYDIR/commands.key; a previous one moves to"
              + " KEYDIR/retired/.")
  static final class CommandKey implements Callable<Integer> {
    @picocli.CommandLine.Mixin RepoOptions repo;

    @Option(
        names = "--key",
        paramLabel = "FILE.pub",
        description = "A command key's public key file; repeat for several.")
    List<Path> publicKeys = new ArrayList<>();

    @Option(
        names = "--threshold",
        paramLabel = "N",
        description = "How many command keys must sign each command (default: 1).")
    int threshold = 1;

    @Override
    public Integer call() {
      Repository r = repo.open();
      List<PublicKey> keys = new ArrayList<>();
      publicKeys.forEach(f -> keys.add(KeyFiles.readPublic(f)));
      int count = keys.isEmpty() ? 1 : (int) keys.stream().distinct().count();
      if (threshold < 1 || threshold > count) {
        throw new GatewayException(
            Code.DATA_INVALID,
            "--threshold must be between 1 and the " + count + " command key(s), not " + threshold);
      }
      if (keys.isEmpty()) {
        SigningKey fresh = SigningKey.generate();
        Path keysDir = repo.keysDir();
        if (Files.exists(keysDir.resolve("commands" + KeyFiles.PRIVATE_SUFFIX))) {
          Repository.keyFiles(keysDir).replace("commands", fresh, r.root().version());
        } else {
          KeyFiles.write(fresh, keysDir, "commands");
        }
        keys.add(fresh.publicKey());
      }
      r.commandKeys(keys, threshold);
      for (PublicKey key : keys) {
        System.out.println("command key " + key.keyId());
      }
      System.out.println(
          "root        version "
              + r.root().version()
              + ", commands need "
              + threshold
              + " of "
              + keys.size()
              + " key(s)");
      return 0;
    }
  }
}
