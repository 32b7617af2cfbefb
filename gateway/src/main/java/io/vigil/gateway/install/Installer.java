package io.vigil.gateway.install;

import io.vertx.core.json.JsonObject;
import io.vigil.audit.EventEntry;
import io.vigil.canonical.Sha256;
import io.vigil.gateway.CrashPoints;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.StepJournal;
import io.vigil.gateway.ledger.Events;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.inference.store.ModelStore;
import io.vigil.trust.TrustException;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Root;
import io.vigil.trust.tuf.Source;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Updater;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one way a bundle enters the model store: the TUF client workflow against a trusted
 * repository, then the bundle's own checks against what the manufacturer signed about it (model,
 * version, release, PCCP, site, rollout) and against its model's PCCP ({@link ScopeCheck}, with the
 * originally certified release kept by {@link CertifiedReleases}). No byte of a bundle is parsed
 * before its length and hash matched the signed target. Every refusal is a ledger event naming the
 * check that failed.
 */
public final class Installer {

  /** The repository of the demonstration bundle, whose keys are public. */
  public static final String DEMO = "demo";

  /** The repository {@code vigil install} uses when none is named. */
  public static final String DEFAULT_REPOSITORY = "manufacturer";

  /** How a file in {@code trust.roots} ends: {@code <repository>.root.json}. */
  public static final String ROOT_SUFFIX = ".root.json";

  /** The actor of a root trusted from {@code trust.roots}, followed by the file's path. */
  public static final String ROOTS_ACTOR = "trust.roots:";

  /**
   * The journal of the install in progress, in the model store's directory: written before a target
   * is downloaded, removed once it is stored and recorded, or refused.
   */
  public static final String JOURNAL = "installing.json";

  private static final String BUNDLE_SUFFIX = ".vbundle";

  private static final String REPOSITORY_NAME = "[a-z0-9][a-z0-9._-]{0,63}";

  private final Path trustDir;
  private final ModelStore store;
  private final Supplier<Collection<Bundle>> installed;
  private final String site;
  private final Clock clock;
  private final Consumer<EventEntry> events;
  private final CertifiedReleases certified;
  private final StepJournal journal;

  /**
   * An installer over the trusted metadata in {@code trustDir} (one folder a repository), storing
   * into {@code store}, comparing with the bundles {@code installed} gives (a running gateway's
   * loaded ones, or the store's), for a gateway at {@code site}, recording into {@code events}.
   */
  public Installer(
      Path trustDir,
      ModelStore store,
      Supplier<Collection<Bundle>> installed,
      String site,
      Clock clock,
      Consumer<EventEntry> events) {
    this.trustDir = trustDir;
    this.store = store;
    this.installed = installed;
    this.site = site;
    this.clock = clock;
    this.events = events;
    this.certified = new CertifiedReleases(store.root());
    this.journal = new StepJournal(store.root().resolve(JOURNAL));
  }

  /** Whether {@code repository} has a trusted root. */
  public boolean trusts(String repository) {
    return Files.exists(trustDir.resolve(repository).resolve("root.json"));
  }

  /**
   * Trusts {@code root} as the first root of {@code repository}: the one step that is taken out of
   * band. A repository that is trusted already is refused; its root changes only by rotation.
   */
  public void trustFirstRoot(String repository, byte[] root, String actor) {
    checkName(repository);
    boolean demo;
    try {
      demo = Metadata.root(root).signed().demo();
    } catch (TrustException e) {
      throw new GatewayException(
          Code.UPDATE_REFUSED,
          "cannot trust this root for repository '" + repository + "': " + e.getMessage(),
          e);
    }
    // A demonstration root's keys are public: were it trusted under another name, a root rotated
    // by anyone could drop its mark and approve clinical bundles. Only the name pins it.
    if (demo && !repository.equals(DEMO)) {
      throw new GatewayException(
          Code.UPDATE_REFUSED,
          "this is a demonstration root (its keys are public); it can be trusted only as"
              + " repository '"
              + DEMO
              + "', never as '"
              + repository
              + "'");
    }
    try {
      Updater.initialize(trustDir.resolve(repository), root);
    } catch (TrustException e) {
      throw new GatewayException(
          Code.UPDATE_REFUSED,
          "cannot trust this root for repository '" + repository + "': " + e.getMessage(),
          e);
    }
    Root r = Metadata.root(root).signed();
    events.accept(Events.rootTrusted(repository, r.version(), r.demo(), Sha256.hex(root), actor));
  }

  /**
   * Trusts each file {@code <repository>.root.json} in {@code rootsDir} (the configuration's {@code
   * trust.roots}) as the first root of its repository, when that repository has no trusted root
   * yet; a repository already trusted is left alone, since its root changes only by rotation.
   *
   * @return the repositories trusted now
   * @throws GatewayException {@link Code#CONFIG_INVALID} naming the directory or the file, when the
   *     directory cannot be read, a name is not a repository name or a file is not a root that can
   *     be trusted under its name
   */
  public List<String> trustRootsIn(Path rootsDir) {
    List<Path> files;
    try (var listing = Files.list(rootsDir)) {
      files =
          listing.filter(f -> f.getFileName().toString().endsWith(ROOT_SUFFIX)).sorted().toList();
    } catch (java.io.IOException e) {
      throw new GatewayException(
          Code.CONFIG_INVALID,
          "trust.roots: cannot read the directory " + rootsDir + ": " + ioReason(e));
    }
    List<String> trusted = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      String repository = name.substring(0, name.length() - ROOT_SUFFIX.length());
      try {
        checkName(repository);
        if (trusts(repository)) {
          continue;
        }
        trustFirstRoot(repository, Files.readAllBytes(file), ROOTS_ACTOR + file);
        trusted.add(repository);
      } catch (GatewayException e) {
        throw new GatewayException(
            Code.CONFIG_INVALID, "trust.roots: " + file + ": " + e.getMessage());
      } catch (java.io.IOException e) {
        throw new GatewayException(
            Code.CONFIG_INVALID, "trust.roots: cannot read " + file + ": " + ioReason(e));
      }
    }
    return List.copyOf(trusted);
  }

  private static String ioReason(java.io.IOException e) {
    return e instanceof java.nio.file.AccessDeniedException
        ? "permission denied"
        : e instanceof java.nio.file.NoSuchFileException
            ? "it does not exist"
            : String.valueOf(e.getMessage());
  }

  /**
   * Refreshes {@code repository}'s metadata from {@code source} and installs, per model, the newest
   * release approved for this site, if it is newer than the installed one. A target whose rollout
   * is {@code local-approval} installs only when {@code approver} names the local operator who
   * approves it.
   *
   * @throws GatewayException {@link Code#UPDATE_REFUSED} when the repository's metadata fails a
   *     check (recorded first); per-target refusals are in the report
   */
  public InstallReport install(
      String repository, Source source, String actor, Optional<String> approver) {
    long started = System.nanoTime();
    checkName(repository);
    if (!trusts(repository)) {
      throw new GatewayException(
          Code.NOT_FOUND,
          "no trusted root for repository '"
              + repository
              + "' in "
              + trustDir
              + ": the very first install needs --root FILE, the manufacturer's root metadata"
              + " delivered out of band");
    }
    Updater updater;
    List<TargetFile> targets;
    List<String> unapproved;
    try {
      updater = Updater.open(trustDir.resolve(repository), source, clock, Updater.Limits.DEFAULT);
      updater.refresh();
      Updater.Survey survey = updater.survey();
      targets = survey.approved();
      unapproved = survey.unapproved();
    } catch (TrustException e) {
      events.accept(
          Events.updateRefused(
              repository,
              source.describe(),
              check(e.code()),
              e.code().attack(),
              e.getMessage(),
              actor));
      throw new GatewayException(
          Code.UPDATE_REFUSED,
          "refused the update from "
              + source.describe()
              + " (repository '"
              + repository
              + "'): "
              + e.code().attack()
              + ": "
              + e.getMessage()
              + ". Nothing was installed; the models being served are unchanged.");
    }
    boolean demoOnly = repository.equals(DEMO);
    Run run = new Run(repository, source, updater, actor, approver, demoOnly);
    Map<String, List<Candidate>> byModel = new LinkedHashMap<>();
    for (TargetFile t : targets) {
      if (!t.path().endsWith(BUNDLE_SUFFIX)) {
        continue;
      }
      try {
        TargetCustom custom = TargetCustom.fromJson(t.custom().orElse(null), t.path());
        byModel
            .computeIfAbsent(custom.modelId(), k -> new ArrayList<>())
            .add(new Candidate(t, custom));
      } catch (InferenceException e) {
        run.refuse(
            t.path(), "custom-fields", TrustException.Code.MALFORMED.attack(), e.getMessage());
      }
    }
    for (String path : unapproved) {
      run.refuse(
          path,
          check(TrustException.Code.NOT_APPROVED),
          TrustException.Code.NOT_APPROVED.attack(),
          updater.whyNotApproved(path));
    }
    Map<String, Bundle> newestInstalled = installedByModel();
    for (Map.Entry<String, List<Candidate>> model : byModel.entrySet()) {
      run.consider(
          model.getKey(),
          model.getValue(),
          Optional.ofNullable(newestInstalled.get(model.getKey())));
    }
    return new InstallReport(
        repository,
        source.describe(),
        updater.root().version(),
        updater.targetsVersion(),
        run.installed,
        run.automatic,
        run.unchanged,
        run.held,
        run.refused,
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Says in the ledger how the install that a stopped process left unfinished ended, if one did:
   * {@code update.abandoned} when nothing of it reached the store (it was being downloaded, checked
   * or written; the next install fetches it again), or its {@code bundle.installed} record, marked
   * {@code recorded_after_restart}, when it was stored (the update gate then places it as a
   * candidate). Call once at start, before any install.
   */
  public void recoverUnfinished() {
    Optional<JsonObject> left = journal.unfinished();
    if (left.isEmpty()) {
      return;
    }
    JsonObject j = left.get();
    String sha = j.getString("bundle_sha256", "");
    Optional<Bundle> stored = Optional.empty();
    if (sha.matches("[0-9a-f]{64}") && store.contains(sha)) {
      try {
        stored = Optional.of(store.read(sha));
      } catch (InferenceException e) {
        j.put("stored_copy_refused", e.getMessage());
      }
    }
    if (stored.isPresent()) {
      Map<String, Object> approval =
          new LinkedHashMap<>(j.getJsonObject("approval", new JsonObject()).getMap());
      approval.put("recorded_after_restart", true);
      events.accept(
          Events.bundleApproved(stored.get(), approval, j.getString("actor", Events.SYSTEM)));
    } else {
      Map<String, Object> details = new LinkedHashMap<>(j.getMap());
      details.remove("approval");
      details.put(
          "why",
          "the gateway stopped while this update was being downloaded, checked or stored; nothing"
              + " of it was kept, the active version is unchanged, and the next install fetches it"
              + " again");
      events.accept(EventEntry.of("update.abandoned", Events.SYSTEM, details));
    }
    journal.end();
  }

  private static Map<String, Object> journalEntry(
      Candidate c, Map<String, Object> approval, String actor) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("model_id", c.custom().modelId());
    entry.put("version", c.custom().version());
    entry.put("release", c.custom().release());
    entry.put("bundle_sha256", c.target().hashes().getOrDefault("sha256", ""));
    entry.put("target", c.target().path());
    entry.put("actor", actor);
    entry.put("approval", approval);
    return entry;
  }

  private Map<String, Bundle> installedByModel() {
    Map<String, Bundle> newest = new LinkedHashMap<>();
    for (Bundle b : installed.get()) {
      newest.merge(
          b.manifest().modelId(),
          b,
          (x, y) -> x.manifest().release() >= y.manifest().release() ? x : y);
    }
    return newest;
  }

  /** Whether {@code repository} is a valid repository name. */
  public static boolean isRepositoryName(String repository) {
    return repository.matches(REPOSITORY_NAME);
  }

  private static void checkName(String repository) {
    if (!isRepositoryName(repository)) {
      throw new GatewayException(
          Code.CONFIG_INVALID,
          "a repository name is lower-case letters, digits, '.', '_' and '-', not '"
              + repository
              + "'");
    }
  }

  /** A check's name as events and reports write it: {@code rollback}, {@code mix-and-match}. */
  static String check(TrustException.Code code) {
    return code.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private record Candidate(TargetFile target, TargetCustom custom) {}

  /** One install's decisions and what it records. */
  private final class Run {
    final String repository;
    final Source source;
    final Updater updater;
    final String actor;
    final Optional<String> approver;
    final boolean demoOnly;
    final List<Bundle> installed = new ArrayList<>();
    final Map<String, Boolean> automatic = new LinkedHashMap<>();
    final List<String> unchanged = new ArrayList<>();
    final List<String> held = new ArrayList<>();
    final List<InstallReport.Refusal> refused = new ArrayList<>();

    Run(
        String repository,
        Source source,
        Updater updater,
        String actor,
        Optional<String> approver,
        boolean demoOnly) {
      this.repository = repository;
      this.source = source;
      this.updater = updater;
      this.actor = actor;
      this.approver = approver;
      this.demoOnly = demoOnly;
    }

    void consider(String modelId, List<Candidate> candidates, Optional<Bundle> current) {
      List<Candidate> forSite = candidates.stream().filter(c -> c.custom().isFor(site)).toList();
      if (forSite.isEmpty()) {
        held.add(
            modelId
                + ": approved only for sites "
                + candidates.get(0).custom().sites()
                + (site.isEmpty()
                    ? "; this gateway names no site (trust.site)"
                    : ", not '" + site + "'"));
        return;
      }
      // A release may be published once per architecture: the newest release's target for this
      // gateway's, else that release is refused by the hardware rule.
      long newest = forSite.stream().mapToLong(c -> c.custom().release()).max().orElseThrow();
      List<Candidate> newestForSite =
          forSite.stream().filter(c -> c.custom().release() == newest).toList();
      String arch = System.getProperty("os.arch");
      Optional<Candidate> forHardware =
          newestForSite.stream()
              .filter(c -> ScopeCheck.hardware(c.custom(), arch).isEmpty())
              .findFirst();
      if (forHardware.isEmpty()) {
        Candidate refused = newestForSite.get(0);
        refuse(refused.target().path(), ScopeCheck.hardware(refused.custom(), arch).orElseThrow());
        return;
      }
      Candidate best = forHardware.get();
      long release = best.custom().release();
      String path = best.target().path();
      if (current.isPresent()) {
        long installedRelease = current.get().manifest().release();
        String installedSha = current.get().sha256();
        if (release < installedRelease) {
          refuseRelease(
              path,
              "model "
                  + modelId
                  + " release "
                  + release
                  + " is offered, but release "
                  + installedRelease
                  + " is installed; a release counter never goes back");
          return;
        }
        if (release == installedRelease) {
          if (best.target().hashes().getOrDefault("sha256", "").equals(installedSha)) {
            unchanged.add(
                modelId
                    + " release "
                    + release
                    + " ("
                    + best.custom().version()
                    + ") is installed");
          } else {
            refuseRelease(
                path,
                "model "
                    + modelId
                    + " release "
                    + release
                    + " is offered with other bytes than the installed release "
                    + release
                    + "; a release number names one bundle");
          }
          return;
        }
      }
      Map<String, Object> approval = new LinkedHashMap<>();
      approval.put("repository", repository);
      approval.put("source", source.describe());
      approval.put("target", path);
      approval.put("root_version", updater.root().version());
      approval.put("targets_version", updater.targetsVersion());
      approval.put("rollout", best.custom().rollout().jsonName());
      approval.put("pccp", best.custom().pccp().id());
      approver.ifPresent(a -> approval.put("approved_by", a));
      journal.begin(journalEntry(best, approval, actor));
      try {
        fetchCheckAndStore(modelId, best, current, approval);
      } finally {
        journal.end();
      }
    }

    private void fetchCheckAndStore(
        String modelId, Candidate best, Optional<Bundle> current, Map<String, Object> approval) {
      String path = best.target().path();
      byte[] bytes;
      try {
        CrashPoints.reach("download");
        bytes = updater.download(best.target());
      } catch (TrustException e) {
        refuse(path, check(e.code()), e.code().attack(), e.getMessage());
        return;
      }
      CrashPoints.reach("verify");
      Bundle bundle;
      try {
        bundle = BundleReader.read(bytes, path);
      } catch (InferenceException e) {
        refuse(path, "bundle", "bundle does not match what was signed about it", e.getMessage());
        return;
      }
      Optional<ScopeCheck.Violation> otherModel =
          ScopeCheck.modelId(best.custom(), bundle.manifest(), Optional.empty());
      if (otherModel.isPresent()) {
        refuse(path, otherModel.get());
        return;
      }
      try {
        best.custom().check(bundle.manifest(), path);
      } catch (InferenceException e) {
        refuse(path, "bundle", "bundle does not match what was signed about it", e.getMessage());
        return;
      }
      if (demoOnly && !bundle.manifest().demo()) {
        refuse(
            path,
            "demo-root",
            "a demonstration root's keys are public",
            "repository '"
                + repository
                + "' has a demonstration root; it may install only bundles marked demo");
        return;
      }
      Optional<Manifest> original = certified.of(modelId, Installer.this.installed.get());
      Optional<ScopeCheck.Violation> outOfScope =
          ScopeCheck.underPccp(
              best.custom(), bundle.manifest(), original, current.map(Bundle::manifest));
      if (outOfScope.isPresent()) {
        refuse(path, outOfScope.get());
        return;
      }
      // Recorded before the bundle is stored, so that no stored first release lacks its record;
      // a crash between the two leaves the record of a release that passed every check.
      if (original.isEmpty()) {
        certified.record(bundle.manifest());
      }
      CrashPoints.reach("store");
      store.install(bundle);
      CrashPoints.reach("stored");
      events.accept(Events.bundleApproved(bundle, approval, actor));
      installed.add(bundle);
      automatic.put(
          bundle.sha256(),
          best.custom().rollout() == TargetCustom.Rollout.AUTOMATIC || approver.isPresent());
    }

    void refuseRelease(String target, String reason) {
      refuse(target, "release-counter", TrustException.Code.ROLLBACK.attack(), reason);
    }

    void refuse(String target, ScopeCheck.Violation v) {
      refuse(target, v.rule(), "outside the model's PCCP", v.reason());
    }

    void refuse(String target, String check, String attack, String reason) {
      refused.add(new InstallReport.Refusal(target, check, attack, reason));
      events.accept(
          Events.updateRefused(
              repository, source.describe() + " target " + target, check, attack, reason, actor));
    }
  }
}
