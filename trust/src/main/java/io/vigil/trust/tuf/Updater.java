package io.vigil.trust.tuf;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The TUF client workflow (specification 1.0, section 5) over one {@link Source}: refreshes the
 * top-level metadata, finds targets through delegations, and downloads target bytes that match
 * their signed length and hashes. Trusted metadata lives in a directory and only moves forward.
 *
 * <p>Plain Java, blocking, and not thread-safe: one refresh at a time.
 */
public final class Updater {

  private static final Logger LOG = System.getLogger(Updater.class.getName());

  private final LocalStore local;
  private final Source source;
  private final Clock clock;
  private final Limits limits;
  private TrustedSet trusted;

  /** Length caps and bounds of the workflow; python-tuf's defaults. */
  public record Limits(
      int maxRootRotations,
      int maxDelegations,
      long rootMaxLength,
      long timestampMaxLength,
      long snapshotMaxLength,
      long targetsMaxLength) {

    /** python-tuf's {@code UpdaterConfig} defaults. */
    public static final Limits DEFAULT = new Limits(256, 32, 512_000, 16_384, 2_000_000, 5_000_000);
  }

  private Updater(LocalStore local, Source source, Clock clock, Limits limits) {
    this.local = local;
    this.source = source;
    this.clock = clock;
    this.limits = limits;
  }

  /**
   * A client whose trusted metadata is in {@code metadataDir}; it must hold a {@code root.json}
   * (see {@link #initialize}).
   */
  public static Updater open(Path metadataDir, Source source, Clock clock, Limits limits) {
    LocalStore store = new LocalStore(metadataDir);
    if (store.read("root").isEmpty()) {
      throw new TrustException(
          Code.STORE_FAILED,
          "no trusted root in " + metadataDir + ": give the first root once, out of band (--root)");
    }
    return new Updater(store, source, clock, limits);
  }

  /**
   * Trusts {@code root} from now on in {@code metadataDir}: the first, out-of-band step. The root
   * must carry its own threshold; a directory that already trusts a root is left alone.
   */
  public static void initialize(Path metadataDir, byte[] root) {
    LocalStore store = new LocalStore(metadataDir);
    Metadata<Root> r = Metadata.root(root);
    r.verify("root", r.signed().role("root"), r.signed().keys(), Code.UNSIGNED, "the given ");
    if (store.read("root").isPresent()) {
      throw new TrustException(
          Code.STORE_FAILED,
          metadataDir
              + " already trusts a root; a trusted root changes only by rotation, never by"
              + " being given again");
    }
    store.write("root", root);
  }

  /**
   * Runs sections 5.1 to 5.6 up to the top-level targets: new roots one version at a time,
   * timestamp, snapshot, targets, each checked and then stored.
   *
   * @throws TrustException naming the failed check and the attack it matched
   */
  public void refresh() {
    trusted = null;
    TrustedSet set =
        new TrustedSet(local.read("root").orElseThrow(() -> missing("root")), clock.instant());
    updateRoot(set);
    updateTimestamp(set);
    updateSnapshot(set);
    trusted = set;
    loadTargets("targets", "root");
  }

  private void updateRoot(TrustedSet set) {
    long start = set.root().version();
    for (long v = start + 1; v <= start + limits.maxRootRotations(); v++) {
      Optional<byte[]> next = source.metadata(v + ".root.json", limits.rootMaxLength());
      if (next.isEmpty()) {
        break;
      }
      set.updateRoot(next.get());
      local.write("root", next.get());
    }
    set.checkRootNotExpired();
  }

  private void updateTimestamp(TrustedSet set) {
    local
        .read("timestamp")
        .ifPresent(data -> tryLocal("timestamp", () -> set.updateTimestamp(data)));
    byte[] data =
        source
            .metadata("timestamp.json", limits.timestampMaxLength())
            .orElseThrow(() -> notInRepository("timestamp.json"));
    if (set.updateTimestamp(data)) {
      local.write("timestamp", data);
    } else {
      set.checkTimestampFinal();
    }
  }

  private void updateSnapshot(TrustedSet set) {
    Optional<byte[]> stored = local.read("snapshot");
    if (stored.isPresent() && tryLocal("snapshot", () -> set.updateSnapshot(stored.get(), true))) {
      return;
    }
    MetaFile listed = set.timestamp().orElseThrow().snapshot();
    String name =
        set.root().consistentSnapshot() ? listed.version() + ".snapshot.json" : "snapshot.json";
    byte[] data =
        source
            .metadata(name, listed.length().orElse(limits.snapshotMaxLength()))
            .orElseThrow(() -> notInRepository(name));
    set.updateSnapshot(data, false);
    local.write("snapshot", data);
  }

  private Targets loadTargets(String role, String delegator) {
    Optional<Targets> loaded = trusted.targets(role);
    if (loaded.isPresent()) {
      trusted.reverifyTargets(role, delegator);
      return loaded.get();
    }
    Optional<byte[]> stored = local.read(role);
    if (stored.isPresent()
        && tryLocal(role, () -> trusted.updateTargets(stored.get(), role, delegator))) {
      return trusted.targets(role).orElseThrow();
    }
    MetaFile listed = trusted.snapshot().orElseThrow().meta().get(role + ".json");
    if (listed == null) {
      throw new TrustException(
          Code.MIX_AND_MATCH, "role " + role + " is delegated but the snapshot does not list it");
    }
    String file = LocalStore.quote(role) + ".json";
    String name = trusted.root().consistentSnapshot() ? listed.version() + "." + file : file;
    byte[] data =
        source
            .metadata(name, listed.length().orElse(limits.targetsMaxLength()))
            .orElseThrow(() -> notInRepository(name));
    trusted.updateTargets(data, role, delegator);
    local.write(role, data);
    return trusted.targets(role).orElseThrow();
  }

  /**
   * The target at {@code path} as the roles trusted for that path describe it (5.6.7: a preorder
   * depth-first search of the delegations, terminating roles ending the search, each role visited
   * once, at most {@link Limits#maxDelegations} delegated roles besides the top-level targets).
   */
  public Optional<TargetFile> targetInfo(String path) {
    if (trusted == null) {
      refresh();
    }
    Deque<String[]> toVisit = new ArrayDeque<>();
    toVisit.push(new String[] {"targets", "root"});
    Set<String> visited = new HashSet<>();
    // The top-level targets is no delegation: it and up to maxDelegations roles, as python-tuf.
    while (visited.size() <= limits.maxDelegations() && !toVisit.isEmpty()) {
      String[] next = toVisit.pop();
      String role = next[0];
      if (visited.contains(role)) {
        continue;
      }
      Targets targets = loadTargets(role, next[1]);
      TargetFile found = targets.targets().get(path);
      if (found != null) {
        return Optional.of(found);
      }
      visited.add(role);
      if (targets.delegations().isPresent()) {
        List<String[]> children = new ArrayList<>();
        for (Map.Entry<String, Boolean> child : targets.delegations().get().rolesFor(path)) {
          children.add(new String[] {child.getKey(), role});
          if (child.getValue()) {
            toVisit.clear();
            break;
          }
        }
        for (int i = children.size() - 1; i >= 0; i--) {
          toVisit.push(children.get(i));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Every target that the roles trusted for its path approve: the top-level targets and those of
   * the delegated roles reachable within {@link Limits#maxDelegations}, each looked up as {@link
   * #targetInfo} looks it up.
   */
  public List<TargetFile> targets() {
    return survey().approved();
  }

  /**
   * The target paths that some reachable role lists although no role trusted for that path approves
   * them: a delegated role that signed outside its patterns, which a gateway records.
   */
  public List<String> listedButNotApproved() {
    return survey().unapproved();
  }

  /**
   * Every target path that a reachable role lists, looked up once as {@link #targetInfo} looks it
   * up: those approved, and those listed by a role not trusted for their path.
   */
  public Survey survey() {
    Set<String> names = new LinkedHashSet<>();
    reachableRoles().values().forEach(t -> names.addAll(t.targets().keySet()));
    List<TargetFile> approved = new ArrayList<>();
    List<String> unapproved = new ArrayList<>();
    for (String name : names) {
      targetInfo(name).ifPresentOrElse(approved::add, () -> unapproved.add(name));
    }
    return new Survey(approved, unapproved);
  }

  /** What {@link #survey} found: the approved targets and the paths listed without approval. */
  public record Survey(List<TargetFile> approved, List<String> unapproved) {
    public Survey {
      approved = List.copyOf(approved);
      unapproved = List.copyOf(unapproved);
    }
  }

  /**
   * Why {@code path} is not approved, for a refusal: the roles that list it without being trusted
   * for its path, if any do.
   */
  public String whyNotApproved(String path) {
    List<String> listing =
        reachableRoles().entrySet().stream()
            .filter(e -> e.getValue().targets().containsKey(path))
            .map(Map.Entry::getKey)
            .toList();
    return listing.isEmpty()
        ? "no trusted role lists target '" + path + "'"
        : "target '"
            + path
            + "' is listed by "
            + listing
            + ", but no role is delegated to approve that path: a delegated role signed a path"
            + " outside its patterns";
  }

  private Map<String, Targets> reachableRoles() {
    if (trusted == null) {
      refresh();
    }
    Map<String, Targets> roles = new java.util.LinkedHashMap<>();
    Deque<String[]> toVisit = new ArrayDeque<>();
    toVisit.add(new String[] {"targets", "root"});
    while (!toVisit.isEmpty() && roles.size() <= limits.maxDelegations()) {
      String[] next = toVisit.poll();
      if (roles.containsKey(next[0])) {
        continue;
      }
      Targets targets = loadTargets(next[0], next[1]);
      roles.put(next[0], targets);
      // Hash bins too: a target that only a bin lists is approved like any other.
      targets
          .delegations()
          .ifPresent(
              d ->
                  d.roleNames(limits.maxDelegations())
                      .forEach(name -> toVisit.add(new String[] {name, next[0]})));
    }
    return roles;
  }

  /**
   * The bytes of {@code target}, fetched under its hash-prefixed name when the repository uses
   * consistent snapshots, refused past its signed length or when a hash differs.
   */
  public byte[] download(TargetFile target) {
    if (trusted == null) {
      refresh();
    }
    String path = target.path();
    if (trusted.root().consistentSnapshot()) {
      int slash = path.lastIndexOf('/');
      String hash = target.hashes().values().iterator().next();
      path = path.substring(0, slash + 1) + hash + "." + path.substring(slash + 1);
    }
    String name = path;
    byte[] data =
        source.target(path, target.length()).orElseThrow(() -> notInRepository("target " + name));
    Hashes.check(
        data,
        java.util.OptionalLong.of(target.length()),
        target.hashes(),
        Code.TARGET_MISMATCH,
        "target " + target.path());
    return data;
  }

  /**
   * The verified bytes of {@code target} in {@code dir}, under the target path URL-encoded into one
   * file name: a file already there that matches the signed length and hashes is kept and nothing
   * is fetched; otherwise the target is downloaded, checked in memory, and only then written, so
   * that a refused download leaves no file and never damages an earlier good copy.
   */
  public Path downloadTo(TargetFile target, Path dir) {
    Path file = dir.resolve(LocalStore.quote(target.path()));
    try {
      if (Files.isRegularFile(file) && Files.size(file) == target.length()) {
        byte[] cached = Files.readAllBytes(file);
        try {
          Hashes.check(
              cached,
              OptionalLong.of(target.length()),
              target.hashes(),
              Code.TARGET_MISMATCH,
              "cached target");
          return file;
        } catch (TrustException e) {
          LOG.log(Level.DEBUG, "cached " + target.path() + " does not match: " + e.getMessage());
        }
      }
      byte[] data = download(target);
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".download-", ".tmp");
      try {
        Files.write(temp, data);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
      return file;
    } catch (IOException e) {
      throw new TrustException(Code.STORE_FAILED, "cannot write " + file + ": " + e, e);
    }
  }

  /** The trusted root after the last refresh. */
  public Root root() {
    if (trusted == null) {
      return new TrustedSet(local.read("root").orElseThrow(() -> missing("root")), clock.instant())
          .root();
    }
    return trusted.root();
  }

  /** The trusted top-level targets version after the last refresh. */
  public long targetsVersion() {
    if (trusted == null) {
      refresh();
    }
    return trusted.targets("targets").orElseThrow().version();
  }

  /** Where the trusted metadata lives. */
  public Path metadataDir() {
    return local.dir();
  }

  private boolean tryLocal(String role, Runnable load) {
    try {
      load.run();
      return true;
    } catch (TrustException e) {
      LOG.log(Level.DEBUG, "stored " + role + " metadata is not valid as final: " + e.getMessage());
      return false;
    }
  }

  private TrustException missing(String role) {
    return new TrustException(Code.STORE_FAILED, "no trusted " + role + " in " + local.dir());
  }

  private TrustException notInRepository(String name) {
    return new TrustException(Code.FETCH_FAILED, source.describe() + " has no " + name);
  }
}
