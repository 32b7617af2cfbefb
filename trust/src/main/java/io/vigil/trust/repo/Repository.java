package io.vigil.trust.repo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Sha256;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.tuf.MetaFile;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Role;
import io.vigil.trust.tuf.Root;
import io.vigil.trust.tuf.Signed;
import io.vigil.trust.tuf.Snapshot;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Targets;
import io.vigil.trust.tuf.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The manufacturer's side: a TUF repository in a plain directory ({@code metadata/} with consistent
 * snapshots, {@code targets/} with hash-prefixed file names) that gateways and python-tuf read.
 * Every change writes new versions of the roles it touches, signed by their keys.
 */
public final class Repository {

  /** The top-level roles, in the order a change re-signs them. */
  static final List<String> ROLES = List.of("root", "targets", "snapshot", "timestamp");

  private final Path dir;
  private final Keys keys;
  private final Clock clock;
  private final Expiry expiry;
  private Root root;
  private Targets targets;
  private Snapshot snapshot;
  private Timestamp timestamp;

  /** Where a repository's signing keys come from, and where a rotated role's new key goes. */
  public interface Keys {
    /** The private keys of {@code role}. */
    List<SigningKey> of(String role);

    /**
     * Replaces the keys of {@code role} with {@code key}; the old ones are retired, not deleted.
     */
    void replace(String role, SigningKey key, long rootVersion);
  }

  private Repository(Path dir, Keys keys, Clock clock, Expiry expiry) {
    this.dir = dir;
    this.keys = keys;
    this.clock = clock;
    this.expiry = expiry;
  }

  /** Key files {@code ROLE.key} in {@code keysDir}; retired keys move to {@code retired/}. */
  public static Keys keyFiles(Path keysDir) {
    return new Keys() {
      @Override
      public List<SigningKey> of(String role) {
        Path file = keysDir.resolve(role + KeyFiles.PRIVATE_SUFFIX);
        if (!Files.exists(file)) {
          throw new TrustException(
              Code.KEY_INVALID, "no " + role + " key: " + file + " is missing");
        }
        return List.of(KeyFiles.readPrivate(file));
      }

      @Override
      public void replace(String role, SigningKey key, long rootVersion) {
        Path retired = keysDir.resolve("retired");
        try {
          Files.createDirectories(retired);
          for (String suffix : List.of(KeyFiles.PRIVATE_SUFFIX, KeyFiles.PUBLIC_SUFFIX)) {
            Files.move(
                keysDir.resolve(role + suffix),
                retired.resolve(role + "-until-root-" + rootVersion + suffix),
                StandardCopyOption.ATOMIC_MOVE);
          }
        } catch (IOException e) {
          throw new TrustException(
              Code.KEY_WRITE_FAILED, "cannot retire the " + role + " key: " + e, e);
        }
        KeyFiles.write(key, keysDir, role);
      }
    };
  }

  /** Keys held in memory: for a reproducible demonstration repository and for tests. */
  public static Keys inMemory(Map<String, SigningKey> byRole) {
    Map<String, SigningKey> current = new HashMap<>(byRole);
    return new Keys() {
      @Override
      public List<SigningKey> of(String role) {
        SigningKey key = current.get(role);
        if (key == null) {
          throw new TrustException(Code.KEY_INVALID, "no " + role + " key");
        }
        return List.of(key);
      }

      @Override
      public void replace(String role, SigningKey key, long rootVersion) {
        current.put(role, key);
      }
    };
  }

  /**
   * Creates a repository in {@code dir} (which must not hold one): root version 1 trusting one key
   * per role from {@code keys}, empty targets, snapshot and timestamp. {@code demo} marks the root
   * as a demonstration root.
   */
  public static Repository create(Path dir, Keys keys, Clock clock, Expiry expiry, boolean demo) {
    Path metadata = dir.resolve("metadata");
    if (Files.exists(metadata.resolve("1.root.json"))) {
      throw new TrustException(Code.STORE_FAILED, dir + " already holds a repository");
    }
    Repository repo = new Repository(dir, keys, clock, expiry);
    Map<String, PublicKey> all = new TreeMap<>();
    Map<String, Role> roles = new TreeMap<>();
    for (String role : ROLES) {
      List<SigningKey> roleKeys = keys.of(role);
      roleKeys.forEach(k -> all.put(k.keyId(), k.publicKey()));
      roles.put(role, new Role(roleKeys.stream().map(SigningKey::keyId).toList(), 1));
    }
    repo.root = new Root(1, repo.expires("root"), true, all, roles, demo);
    repo.write(repo.root, keys.of("root"), "1.root.json");
    repo.targets = new Targets(1, repo.expires("targets"), Map.of(), Optional.empty());
    repo.write(repo.targets, keys.of("targets"), "1.targets.json");
    repo.snapshotAndTimestamp(1, 1);
    return repo;
  }

  /** Opens the repository in {@code dir}: its newest root, and the roles the timestamp leads to. */
  public static Repository open(Path dir, Keys keys, Clock clock, Expiry expiry) {
    Repository repo = new Repository(dir, keys, clock, expiry);
    Path metadata = dir.resolve("metadata");
    long rootVersion = 0;
    try (Stream<Path> files = Files.list(metadata)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.matches("[0-9]+\\.root\\.json")) {
          rootVersion = Math.max(rootVersion, Long.parseLong(name.substring(0, name.indexOf('.'))));
        }
      }
    } catch (IOException e) {
      throw new TrustException(Code.FETCH_FAILED, dir + " is not a repository: " + e, e);
    }
    if (rootVersion == 0) {
      throw new TrustException(
          Code.FETCH_FAILED, dir + " is not a repository: metadata/ has no N.root.json");
    }
    repo.root = Metadata.root(repo.read(rootVersion + ".root.json")).signed();
    repo.timestamp = Metadata.timestamp(repo.read("timestamp.json")).signed();
    repo.snapshot =
        Metadata.snapshot(repo.read(repo.timestamp.snapshot().version() + ".snapshot.json"))
            .signed();
    MetaFile t = repo.snapshot.meta().get("targets.json");
    repo.targets = Metadata.targets(repo.read(t.version() + ".targets.json")).signed();
    return repo;
  }

  /**
   * Adds (or replaces) the target at {@code path} with {@code bytes} and {@code custom}, then signs
   * new targets, snapshot and timestamp versions.
   */
  public TargetFile add(String path, byte[] bytes, ObjectNode custom) {
    if (path.isEmpty() || path.startsWith("/") || path.contains("..") || path.contains("\\")) {
      throw new IllegalArgumentException("a target path is relative, with no '..': " + path);
    }
    String sha = Sha256.hex(bytes);
    TargetFile file =
        new TargetFile(path, bytes.length, Map.of("sha256", sha), Optional.of(custom));
    int slash = path.lastIndexOf('/');
    Path stored =
        dir.resolve("targets")
            .resolve(path.substring(0, slash + 1) + sha + "." + path.substring(slash + 1));
    try {
      Files.createDirectories(stored.getParent());
      Path temp = Files.createTempFile(stored.getParent(), ".target-", ".tmp");
      Files.write(temp, bytes);
      Files.move(temp, stored, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TrustException(Code.STORE_FAILED, "cannot write target " + stored + ": " + e, e);
    }
    Map<String, TargetFile> next = new TreeMap<>(targets.targets());
    next.put(path, file);
    targets = new Targets(targets.version() + 1, expires("targets"), next, targets.delegations());
    write(targets, keys.of("targets"), targets.version() + ".targets.json");
    snapshotAndTimestamp(snapshot.version() + 1, timestamp.version() + 1);
    return file;
  }

  /**
   * Withdraws the approval of the target at {@code path} (its file stays, for clients mid-update),
   * then signs new targets, snapshot and timestamp versions.
   */
  public void remove(String path) {
    if (!targets.targets().containsKey(path)) {
      throw new IllegalArgumentException("no target " + path + " in " + dir);
    }
    Map<String, TargetFile> next = new TreeMap<>(targets.targets());
    next.remove(path);
    targets = new Targets(targets.version() + 1, expires("targets"), next, targets.delegations());
    write(targets, keys.of("targets"), targets.version() + ".targets.json");
    snapshotAndTimestamp(snapshot.version() + 1, timestamp.version() + 1);
  }

  /** New versions of targets, snapshot and timestamp, with new expiry dates. */
  public void signAll() {
    targets =
        new Targets(
            targets.version() + 1, expires("targets"), targets.targets(), targets.delegations());
    write(targets, keys.of("targets"), targets.version() + ".targets.json");
    snapshotAndTimestamp(snapshot.version() + 1, timestamp.version() + 1);
  }

  /** A new timestamp version with a new expiry, for a repository whose content has not changed. */
  public void timestamp() {
    timestamp = new Timestamp(timestamp.version() + 1, expires("timestamp"), timestamp.snapshot());
    write(timestamp, keys.of("timestamp"), "timestamp.json");
  }

  /**
   * Replaces the key of {@code role} with a new one: a new root version signed by the old and the
   * new root keys, then new versions of the roles the change invalidates.
   */
  public SigningKey rotate(String role) {
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("no such role: " + role + "; one of " + ROLES);
    }
    SigningKey fresh = SigningKey.generate();
    List<SigningKey> oldRootKeys = keys.of("root");
    Map<String, PublicKey> all = new TreeMap<>(root.keys());
    root.role(role).keyIds().forEach(all::remove);
    all.put(fresh.keyId(), fresh.publicKey());
    Map<String, Role> roles = new TreeMap<>(root.roles());
    roles.put(role, new Role(List.of(fresh.keyId()), 1));
    // A key still used by another role, or to sign commands, stays listed.
    roles
        .values()
        .forEach(r -> r.keyIds().forEach(id -> all.computeIfAbsent(id, root.keys()::get)));
    root.commands()
        .ifPresent(c -> c.keyIds().forEach(id -> all.computeIfAbsent(id, root.keys()::get)));
    Root next =
        new Root(
            root.version() + 1,
            expires("root"),
            root.consistentSnapshot(),
            all,
            roles,
            root.demo(),
            root.commands());
    keys.replace(role, fresh, root.version());
    List<SigningKey> signers = new java.util.ArrayList<>(oldRootKeys);
    if (role.equals("root")) {
      signers.add(fresh);
    }
    root = next;
    write(root, signers, root.version() + ".root.json");
    switch (role) {
      case "targets" -> signAll();
      case "snapshot" -> snapshotAndTimestamp(snapshot.version() + 1, timestamp.version() + 1);
      case "timestamp" -> timestamp();
      default -> {}
    }
    return fresh;
  }

  /**
   * Makes {@code commandKeys} the keys that sign commands to gateways, {@code threshold} of them
   * per command: a new root version, signed by the root keys, that lists them in {@link
   * Root#COMMANDS_FIELD}; the previous command keys, unless another role uses them, are dropped.
   */
  public void commandKeys(List<PublicKey> commandKeys, int threshold) {
    if (commandKeys.isEmpty()) {
      throw new IllegalArgumentException("at least one command key is needed");
    }
    Map<String, PublicKey> all = new TreeMap<>(root.keys());
    root.commands().ifPresent(c -> c.keyIds().forEach(all::remove));
    root.roles()
        .values()
        .forEach(r -> r.keyIds().forEach(id -> all.computeIfAbsent(id, root.keys()::get)));
    List<String> ids = new java.util.ArrayList<>();
    for (PublicKey key : commandKeys) {
      all.put(key.keyId(), key);
      if (!ids.contains(key.keyId())) {
        ids.add(key.keyId());
      }
    }
    root =
        new Root(
            root.version() + 1,
            expires("root"),
            root.consistentSnapshot(),
            all,
            root.roles(),
            root.demo(),
            Optional.of(new Role(ids, threshold)));
    write(root, keys.of("root"), root.version() + ".root.json");
  }

  /** The newest root. */
  public Root root() {
    return root;
  }

  /** The current top-level targets. */
  public Targets targets() {
    return targets;
  }

  /** The newest snapshot. */
  public Snapshot latestSnapshot() {
    return snapshot;
  }

  /** The newest timestamp. */
  public Timestamp latestTimestamp() {
    return timestamp;
  }

  /** The repository's directory. */
  public Path dir() {
    return dir;
  }

  /** The file a gateway trusts first: {@code metadata/1.root.json}. */
  public Path firstRoot() {
    return dir.resolve("metadata").resolve("1.root.json");
  }

  private void snapshotAndTimestamp(long snapshotVersion, long timestampVersion) {
    byte[] targetsFile = read(targets.version() + ".targets.json");
    snapshot =
        new Snapshot(
            snapshotVersion,
            expires("snapshot"),
            Map.of("targets.json", meta(targets.version(), targetsFile)));
    byte[] snapshotFile = write(snapshot, keys.of("snapshot"), snapshotVersion + ".snapshot.json");
    timestamp =
        new Timestamp(timestampVersion, expires("timestamp"), meta(snapshotVersion, snapshotFile));
    write(timestamp, keys.of("timestamp"), "timestamp.json");
  }

  private static MetaFile meta(long version, byte[] file) {
    return new MetaFile(version, OptionalLong.of(file.length), Map.of("sha256", Sha256.hex(file)));
  }

  private Instant expires(String role) {
    return clock.instant().plus(expiry.of(role)).truncatedTo(ChronoUnit.SECONDS);
  }

  private byte[] write(Signed signed, List<SigningKey> signers, String name) {
    byte[] bytes = Metadata.sign(signed, signers).bytes();
    Path metadata = dir.resolve("metadata");
    try {
      Files.createDirectories(metadata);
      Path temp = Files.createTempFile(metadata, "." + name + "-", ".tmp");
      Files.write(temp, bytes);
      Files.move(
          temp,
          metadata.resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      if (signed instanceof Root) {
        Files.copy(
            metadata.resolve(name),
            metadata.resolve("root.json"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new TrustException(Code.STORE_FAILED, "cannot write " + name + ": " + e, e);
    }
    return bytes;
  }

  private byte[] read(String name) {
    try {
      return Files.readAllBytes(dir.resolve("metadata").resolve(name));
    } catch (IOException e) {
      throw new TrustException(
          Code.FETCH_FAILED, "cannot read " + name + " from " + dir + ": " + e, e);
    }
  }
}
