package io.vigil.trust.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Sha256;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.function.Executable;

/**
 * A TUF repository in a directory that tests build, sign, tamper with and publish, and a client
 * that reads it with the real {@link Updater} over a real {@link DirectorySource} (python-tuf's
 * {@code RepositorySimulator}, on disk).
 *
 * <p>The fields are the content of the next metadata to publish; {@code publish*} signs it with the
 * role's {@link #signers} and writes it as a repository lays it out ({@code metadata/N.root.json},
 * {@code timestamp.json}, {@code N.snapshot.json}, {@code N.ROLE.json}; {@code targets/HASH.NAME}).
 * The snapshot and timestamp list what was last published, with its length and SHA-256.
 */
final class RepositoryFixture {

  /** When every test starts. */
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  /** How long metadata lives unless a test says otherwise. */
  static final Duration LIFETIME = Duration.ofDays(365);

  final MutableClock clock = new MutableClock(START);
  final Path dir;
  final Path client;
  Updater.Limits limits = Updater.Limits.DEFAULT;

  long rootVersion = 1;
  Instant rootExpires = START.plus(LIFETIME);
  boolean consistentSnapshot = true;
  final Map<String, PublicKey> rootKeys = new TreeMap<>();
  final Map<String, Role> rootRoles = new TreeMap<>();

  long snapshotVersion = 1;
  Instant snapshotExpires = START.plus(LIFETIME);
  long timestampVersion = 1;
  Instant timestampExpires = START.plus(LIFETIME);

  /** The targets roles by name: {@code targets} and the delegated ones. */
  final Map<String, TargetsRole> roles = new LinkedHashMap<>();

  /** The keys that sign each role's metadata when it is published. */
  final Map<String, List<Signer>> signers = new HashMap<>();

  /**
   * Roles whose signatures are carried under chosen key ids rather than their keys' own: the way
   * one key passes itself off as two.
   */
  final Map<String, Map<String, Signer>> signAs = new HashMap<>();

  /** What the snapshot and timestamp list: the last published file of each role. */
  final Map<String, MetaFile> published = new TreeMap<>();

  /** A key that signs metadata: an Ed25519 key, or a JDK key of another TUF scheme. */
  record Signer(
      PublicKey publicKey, Function<byte[], byte[]> signer, Optional<SigningKey> ed25519) {

    static Signer of(SigningKey key) {
      return new Signer(key.publicKey(), key::sign, Optional.of(key));
    }

    static Signer generate() {
      return of(SigningKey.generate());
    }

    String keyId() {
      return publicKey.keyId();
    }

    byte[] sign(byte[] message) {
      return signer.apply(message);
    }
  }

  /** The content of a targets role's next version. */
  static final class TargetsRole {
    long version = 1;
    Instant expires = START.plus(LIFETIME);
    final Map<String, TargetFile> targets = new TreeMap<>();
    final Map<String, PublicKey> delegationKeys = new TreeMap<>();
    final List<DelegatedRole> delegations = new ArrayList<>();
    Optional<SuccinctRoles> succinct = Optional.empty();

    Targets signed() {
      Optional<Delegations> d =
          delegations.isEmpty() && succinct.isEmpty()
              ? Optional.empty()
              : Optional.of(new Delegations(delegationKeys, delegations, succinct));
      return new Targets(version, expires, targets, d);
    }
  }

  /** A repository with one fresh key and threshold 1 per top-level role; nothing published. */
  RepositoryFixture(Path base) {
    this.dir = base.resolve("repository");
    this.client = base.resolve("client");
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      Signer key = Signer.generate();
      rootKeys.put(key.keyId(), key.publicKey());
      rootRoles.put(role, new Role(List.of(key.keyId()), 1));
      signers.put(role, new ArrayList<>(List.of(key)));
    }
    roles.put("targets", new TargetsRole());
    try {
      Files.createDirectories(dir.resolve("metadata"));
      Files.createDirectories(dir.resolve("targets"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every role at version 1, published, and a client that trusts root version 1. */
  static RepositoryFixture started(Path base) {
    RepositoryFixture repo = new RepositoryFixture(base);
    repo.publishEverything();
    repo.initializeClient();
    return repo;
  }

  // ---- the metadata records --------------------------------------------------------------

  Root root() {
    return new Root(rootVersion, rootExpires, consistentSnapshot, rootKeys, rootRoles, false);
  }

  Targets targets(String role) {
    return role(role).signed();
  }

  Snapshot snapshot() {
    Map<String, MetaFile> meta = new TreeMap<>();
    for (String role : roles.keySet()) {
      MetaFile file = published.get(role + ".json");
      if (file != null) {
        meta.put(role + ".json", file);
      }
    }
    return new Snapshot(snapshotVersion, snapshotExpires, meta);
  }

  Timestamp timestamp() {
    return new Timestamp(timestampVersion, timestampExpires, published.get("snapshot.json"));
  }

  TargetsRole role(String name) {
    TargetsRole role = roles.get(name);
    if (role == null) {
      throw new IllegalArgumentException("no targets role " + name);
    }
    return role;
  }

  // ---- publishing ------------------------------------------------------------------------

  /** Root, every targets role, snapshot and timestamp, at their current versions. */
  void publishEverything() {
    publishRoot();
    roles.keySet().forEach(this::publishTargets);
    publishSnapshot();
    publishTimestamp();
  }

  byte[] publishRoot() {
    byte[] file = signRole("root", root());
    write(rootVersion + ".root.json", file);
    return file;
  }

  byte[] publishTargets(String role) {
    TargetsRole r = role(role);
    byte[] file = signRole(role, r.signed());
    write(targetsFileName(role, r.version), file);
    published.put(role + ".json", meta(r.version, file));
    return file;
  }

  byte[] publishSnapshot() {
    byte[] file = signRole("snapshot", snapshot());
    write(snapshotFileName(snapshotVersion), file);
    published.put("snapshot.json", meta(snapshotVersion, file));
    return file;
  }

  byte[] publishTimestamp() {
    byte[] file = signRole("timestamp", timestamp());
    write("timestamp.json", file);
    return file;
  }

  /** The next root version, signed by the root's signers. */
  byte[] newRoot() {
    rootVersion++;
    return publishRoot();
  }

  /** The next timestamp version, listing the last published snapshot. */
  byte[] newTimestamp() {
    timestampVersion++;
    return publishTimestamp();
  }

  /** The next snapshot version and the timestamp that lists it. */
  void newSnapshot() {
    snapshotVersion++;
    publishSnapshot();
    newTimestamp();
  }

  /** The next version of {@code role}, then of snapshot and timestamp. */
  void newTargets(String role) {
    role(role).version++;
    publishTargets(role);
    newSnapshot();
  }

  private byte[] signRole(String role, Signed signed) {
    Map<String, Signer> as = signAs.get(role);
    return as == null ? sign(signed, signers(role)) : signAs(signed.toJson(), as);
  }

  String targetsFileName(String role, long version) {
    String file = LocalStore.quote(role) + ".json";
    return consistentSnapshot ? version + "." + file : file;
  }

  String snapshotFileName(long version) {
    return consistentSnapshot ? version + ".snapshot.json" : "snapshot.json";
  }

  static MetaFile meta(long version, byte[] file) {
    return new MetaFile(version, OptionalLong.of(file.length), Map.of("sha256", Sha256.hex(file)));
  }

  // ---- keys ------------------------------------------------------------------------------

  List<Signer> signers(String role) {
    return signers.computeIfAbsent(role, r -> new ArrayList<>());
  }

  /** The first key that signs {@code role}. */
  Signer key(String role) {
    return signers(role).get(0);
  }

  /** Lists {@code key} in root for top-level {@code role}, and makes it sign that role. */
  void addKey(String role, Signer key) {
    rootKeys.put(key.keyId(), key.publicKey());
    Role r = rootRoles.get(role);
    List<String> ids = new ArrayList<>(r.keyIds());
    ids.add(key.keyId());
    rootRoles.put(role, new Role(ids, r.threshold()));
    signers(role).add(key);
  }

  /** A fresh key listed for top-level {@code role} and signing it. */
  Signer addKey(String role) {
    Signer key = Signer.generate();
    addKey(role, key);
    return key;
  }

  void threshold(String role, int threshold) {
    rootRoles.put(role, new Role(rootRoles.get(role).keyIds(), threshold));
  }

  /** Replaces every key of top-level {@code role} in root with one fresh key, its only signer. */
  Signer replaceKeys(String role) {
    Signer key = Signer.generate();
    List<String> old = rootRoles.get(role).keyIds();
    rootRoles.put(role, new Role(List.of(key.keyId()), 1));
    for (String id : old) {
      if (rootRoles.values().stream().noneMatch(r -> r.keyIds().contains(id))) {
        rootKeys.remove(id);
      }
    }
    rootKeys.put(key.keyId(), key.publicKey());
    signers.put(role, new ArrayList<>(List.of(key)));
    return key;
  }

  // ---- delegations and targets -----------------------------------------------------------

  /** {@code from} delegates {@code paths} to a new role {@code to}, with one fresh key. */
  Signer delegate(String from, String to, boolean terminating, List<String> paths) {
    return delegate(from, to, terminating, Optional.of(paths), Optional.empty());
  }

  /** {@code from} delegates the paths whose SHA-256 starts with {@code prefixes} to {@code to}. */
  Signer delegateByHashPrefix(String from, String to, List<String> prefixes) {
    return delegate(from, to, false, Optional.empty(), Optional.of(prefixes));
  }

  private Signer delegate(
      String from,
      String to,
      boolean terminating,
      Optional<List<String>> paths,
      Optional<List<String>> prefixes) {
    Signer key = signers.containsKey(to) ? key(to) : Signer.generate();
    TargetsRole parent = role(from);
    parent.delegationKeys.put(key.keyId(), key.publicKey());
    parent.delegations.add(
        new DelegatedRole(to, new Role(List.of(key.keyId()), 1), terminating, paths, prefixes));
    roles.putIfAbsent(to, new TargetsRole());
    signers.putIfAbsent(to, new ArrayList<>(List.of(key)));
    return key;
  }

  /** Adds {@code content} at {@code path} to the top-level targets and to {@code targets/}. */
  TargetFile addTarget(String path, byte[] content) {
    return addTarget("targets", path, content);
  }

  /** Adds {@code content} at {@code path} to {@code role} and to {@code targets/}. */
  TargetFile addTarget(String role, String path, byte[] content) {
    TargetFile file =
        new TargetFile(
            path, content.length, Map.of("sha256", Sha256.hex(content)), Optional.empty());
    role(role).targets.put(path, file);
    writeTarget(targetFileName(file), content);
    return file;
  }

  /** Where {@code target}'s bytes lie under {@code targets/}. */
  String targetFileName(TargetFile target) {
    String path = target.path();
    if (!consistentSnapshot) {
      return path;
    }
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1)
        + target.hashes().get("sha256")
        + "."
        + path.substring(slash + 1);
  }

  // ---- signing and tampering -------------------------------------------------------------

  /** {@code signed} signed by {@code keys}: with {@link Metadata#sign} when they are Ed25519. */
  static byte[] sign(Signed signed, List<Signer> keys) {
    if (keys.stream().allMatch(k -> k.ed25519().isPresent())) {
      return Metadata.sign(signed, keys.stream().map(k -> k.ed25519().orElseThrow()).toList())
          .bytes();
    }
    return signJson(signed.toJson(), keys);
  }

  /** Any {@code signed} object, even one no record could hold, signed as TUF signs. */
  static byte[] signJson(ObjectNode signed, List<Signer> keys) {
    Map<String, Signer> byId = new LinkedHashMap<>();
    keys.forEach(k -> byId.put(k.keyId(), k));
    return signAs(signed, byId);
  }

  /** {@code signed} with one signature per entry, each under the key id the entry names. */
  static byte[] signAs(ObjectNode signed, Map<String, Signer> byKeyId) {
    byte[] canonical = CanonicalJson.bytes(signed);
    ObjectNode doc = Json.object();
    ArrayNode sigs = doc.putArray("signatures");
    byKeyId.forEach(
        (id, key) ->
            sigs.addObject()
                .put("keyid", id)
                .put("sig", HexFormat.of().formatHex(key.sign(canonical))));
    doc.set("signed", signed);
    return Json.pretty(doc);
  }

  /**
   * {@code file} with {@code change} applied to its whole document, signatures kept as they were.
   */
  static byte[] edit(byte[] file, Consumer<ObjectNode> change) {
    ObjectNode doc = (ObjectNode) Json.parse(file);
    change.accept(doc);
    return Json.pretty(doc);
  }

  /** {@code file} with {@code change} applied to its {@code signed} object after signing. */
  static byte[] editSigned(byte[] file, Consumer<ObjectNode> change) {
    return edit(file, doc -> change.accept((ObjectNode) doc.get("signed")));
  }

  /** {@code file} with one bit of its {@code index}th signature flipped. */
  static byte[] flipSignatureBit(byte[] file, int index) {
    return edit(
        file,
        doc -> {
          ObjectNode sig = (ObjectNode) doc.get("signatures").get(index);
          byte[] bytes = HexFormat.of().parseHex(sig.get("sig").textValue());
          bytes[bytes.length / 2] ^= 1;
          sig.put("sig", HexFormat.of().formatHex(bytes));
        });
  }

  /** {@code file} with its first signature listed twice. */
  static byte[] duplicateFirstSignature(byte[] file) {
    return edit(
        file,
        doc -> {
          ArrayNode sigs = (ArrayNode) doc.get("signatures");
          sigs.add(sigs.get(0).deepCopy());
        });
  }

  /** The version that {@code file}'s signed part claims. */
  static long versionOf(byte[] file) {
    return Json.parse(file).get("signed").get("version").asLong();
  }

  // ---- files -----------------------------------------------------------------------------

  /** Writes {@code bytes} as {@code metadata/NAME} of the repository. */
  void write(String name, byte[] bytes) {
    writeFile(dir.resolve("metadata").resolve(name), bytes);
  }

  /** The repository's {@code metadata/NAME}. */
  byte[] read(String name) {
    try {
      return Files.readAllBytes(dir.resolve("metadata").resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code bytes} as {@code targets/NAME} of the repository. */
  void writeTarget(String name, byte[] bytes) {
    writeFile(dir.resolve("targets").resolve(name), bytes);
  }

  private static void writeFile(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- the client ------------------------------------------------------------------------

  /** The client trusts root version 1, given out of band. */
  void initializeClient() {
    Updater.initialize(client, read("1.root.json"));
  }

  /** A client (a fresh process, as far as the trust store can tell) over the repository. */
  Updater updater() {
    return Updater.open(client, DirectorySource.of(dir), clock, limits);
  }

  /** Whether the client has stored metadata of {@code role}. */
  boolean trusts(String role) {
    return Files.exists(client.resolve(LocalStore.fileName(role)));
  }

  /** The version of {@code role}'s metadata that the client has stored as trusted. */
  long trustedVersion(String role) {
    try {
      JsonNode doc = Json.parse(Files.readAllBytes(client.resolve(LocalStore.fileName(role))));
      return doc.get("signed").get("version").asLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored version of each top-level role, to check that a refusal moved nothing. */
  Map<String, Long> trustedVersions() {
    Map<String, Long> out = new TreeMap<>();
    for (String role : List.of("root", "timestamp", "snapshot", "targets")) {
      out.put(role, trusts(role) ? trustedVersion(role) : 0L);
    }
    return out;
  }

  /**
   * Asserts that {@code action} is refused with {@code code} and a message holding each of {@code
   * words}; returns the exception.
   */
  static TrustException assertRefused(Code code, Executable action, String... words) {
    TrustException e = assertThrows(TrustException.class, action);
    assertEquals(code, e.code(), () -> "refused for another reason: " + e.getMessage());
    for (String word : words) {
      assertTrue(
          e.getMessage().contains(word),
          () -> "the message does not say '" + word + "': " + e.getMessage());
    }
    return e;
  }
}
