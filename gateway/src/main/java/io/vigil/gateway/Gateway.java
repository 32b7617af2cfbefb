package io.vigil.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vigil.audit.AuditException;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.audit.Segment;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.access.Endpoint;
import io.vigil.gateway.admin.AdminUrl;
import io.vigil.gateway.admin.AdminVerticle;
import io.vigil.gateway.admin.DashboardApi;
import io.vigil.gateway.admin.ModelsApi;
import io.vigil.gateway.admin.OutcomesApi;
import io.vigil.gateway.admin.UpdatesApi;
import io.vigil.gateway.config.ConfigSource;
import io.vigil.gateway.config.DeviceAccess;
import io.vigil.gateway.config.InferenceConfig;
import io.vigil.gateway.config.MonitoringConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.http.BodyBudget;
import io.vigil.gateway.http.GrpcVerticle;
import io.vigil.gateway.http.Lifecycle;
import io.vigil.gateway.http.Limits;
import io.vigil.gateway.http.OipVerticle;
import io.vigil.gateway.http.Recorder;
import io.vigil.gateway.install.ClasspathSource;
import io.vigil.gateway.install.InstallReport;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.gateway.ledger.Events;
import io.vigil.gateway.ledger.LedgerRecorder;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.metrics.InferenceMeters;
import io.vigil.gateway.metrics.LedgerMeters;
import io.vigil.gateway.metrics.SafetyMeters;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.gateway.models.Slots;
import io.vigil.gateway.outcomes.Outcomes;
import io.vigil.gateway.sync.SyncService;
import io.vigil.gateway.systemd.LogFields;
import io.vigil.gateway.update.UpdateGate;
import io.vigil.inference.InferenceException;
import io.vigil.inference.batch.BatchingOptions;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfileCodec;
import io.vigil.inference.runtime.RuntimeOptions;
import io.vigil.inference.store.ModelStore;
import io.vigil.monitoring.ModelMonitor;
import io.vigil.monitoring.MonitorOptions;
import io.vigil.monitoring.Monitoring;
import io.vigil.monitoring.MonitoringException;
import io.vigil.monitoring.SafetyLevel;
import io.vigil.monitoring.SafetyListener;
import io.vigil.monitoring.WindowResult;
import io.vigil.sync.message.EventKind;
import io.vigil.trust.tuf.Metadata;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A running gateway: the ledger, the model store, the loaded models and the HTTP API, wired from
 * one configuration. {@link #close()} drains requests in flight before anything is closed.
 */
public final class Gateway implements AutoCloseable {

  /** Where the demonstration bundle lies on the class path. */
  public static final String DEMO_BUNDLE_RESOURCE = "/io/vigil/demo/wdbc-malignancy.vbundle";

  /** Where each model version's monitoring state is saved, in the data directory. */
  public static final String MONITORING_DIR = "monitoring";

  /** The journal of the rollback in progress, in the model store's directory. */
  public static final String ROLLBACK_JOURNAL = "rolling-back.json";

  /** The journal of a promotion in flight, in the model store's directory. */
  public static final String PROMOTION_JOURNAL = "promoting.json";

  /** The worker pool, of one thread, that reads the data directory's free space. */
  static final String DISK_WATCH_POOL = "vigil-disk-watch";

  /** How often the free space of the data directory is read. */
  static final Duration DISK_CHECK_INTERVAL = Duration.ofSeconds(5);

  /** The thread that reads TLS files and credentials again when they change. */
  static final String ACCESS_RELOAD_POOL = "vigil-access-reload";

  /** How often TLS files and credentials are looked at for changes. */
  static final Duration ACCESS_RELOAD_INTERVAL = Duration.ofSeconds(2);

  /** The worker pool, of one thread, that seals old ledger segments. */
  static final String ARCHIVER_POOL = "vigil-ledger-archiver";

  private static final Logger LOG = System.getLogger(Gateway.class.getName());

  // The ledger's event names, for the log records about the same events.
  private static final String EVENT_UPDATE_REFUSED = "update.refused";
  private static final String EVENT_SAFETY_CHANGED = "safety.changed";

  private final VigilConfig config;
  private final PrometheusMeterRegistry meters;
  private final InferenceMeters inferenceMeters;
  private final Vertx vertx;
  private final ModelRegistry models;
  private final Lifecycle lifecycle = new Lifecycle();
  private final BodyBudget bodyBudget;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Optional<Ledger> ledger;
  private final Recorder recorder;
  private final DiskWatch disk;
  private final Optional<Monitoring> monitoring;
  private final java.util.Map<ModelMonitor, SafetyMeters> safetyMeters =
      new java.util.concurrent.ConcurrentHashMap<>();
  private Installer installer;
  private final UpdateGate gate;
  private final Outcomes outcomes;
  // Set once in startUp when sync.broker is configured; read by the monitor thread's listener.
  private volatile Optional<SyncService> sync = Optional.empty();
  private int port;
  private int grpcPort = -1;
  private int adminPort;

  /** The periodic timers, cancelled first at close, so that none hands work to a closed pool. */
  private final List<Long> timers = new CopyOnWriteArrayList<>();

  private volatile boolean closing;

  /**
   * One install at a time (the admin port's, an update over MQTT); not the gateway's monitor, so
   * that {@link #close} does not wait for a download that closing the MQTT link interrupts.
   */
  private final Object installing = new Object();

  private Gateway(
      VigilConfig config,
      PrometheusMeterRegistry meters,
      Optional<Ledger> ledger,
      Recorder recorder) {
    this.config = config;
    this.meters = meters;
    this.inferenceMeters = new InferenceMeters(meters);
    this.ledger = ledger;
    this.recorder = recorder;
    InferenceConfig inference = config.inference();
    this.monitoring =
        config.monitoring().enabled()
            ? Optional.of(
                Monitoring.start(
                    config.dataDir().resolve(MONITORING_DIR), Clock.systemUTC(), safetyEvents()))
            : Optional.empty();
    this.models =
        new ModelRegistry(
            new RuntimeOptions(inference.intraOpThreads(), false),
            new BatchingOptions(
                inference.maxBatchSize(),
                inference.maxQueueDelay(),
                inference.queueCapacity(),
                inference.runners(),
                inference.inlineBelow()),
            inference.outOfRange(),
            inference.maxRowsPerRequest(),
            inferenceMeters,
            this::startMonitor,
            this::stopMonitor);
    this.gate =
        new UpdateGate(
            models,
            gateEffects(),
            Clock.systemUTC(),
            UpdateGate.Options.DEFAULT,
            new StepJournal(config.dataDir().resolve("models").resolve(PROMOTION_JOURNAL)));
    this.outcomes = Outcomes.create(models, ledger, Clock.systemUTC());
    this.bodyBudget = new BodyBudget(config.server().maxInflightBodyBytes());
    this.vertx = Vertx.vertx();
    this.disk = new DiskWatch(config.dataDir(), config.audit().minFreeSpace());
    registerGauges();
  }

  /**
   * The one registry of a gateway's meters, which {@code /metrics} scrapes: made here only, and
   * handed to whatever records (never a static one).
   */
  private static PrometheusMeterRegistry newMeterRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Opens the ledger, records the start and the configuration, opens the store, installs the demo
   * bundle if configured, loads the models and listens.
   */
  public static Gateway start(VigilConfig config) {
    return start(config, ConfigSource.embedded());
  }

  /** {@link #start(VigilConfig)}, recording where the configuration came from. */
  public static Gateway start(VigilConfig config, ConfigSource source) {
    DataDirectory.check(config.dataDir());
    PrometheusMeterRegistry meters = newMeterRegistry();
    Ledger ledger = Ledgers.open(config, new LedgerMeters(meters));
    Gateway gateway =
        new Gateway(
            config,
            meters,
            Optional.of(ledger),
            new LedgerRecorder(ledger, config.audit().storeInputs()));
    try {
      gateway.record(Events.started(Version.current(), ledger.verifierKey()));
      gateway.record(Events.configLoaded(source, config));
      gateway.startUp();
      return gateway;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /**
   * A gateway that answers without recording: only for benchmarks that measure what the ledger
   * costs, never reachable from the {@code vigil} command.
   */
  static Gateway startUnrecorded(VigilConfig config) {
    Recorder none =
        new Recorder() {
          @Override
          public CompletableFuture<Long> record(
              LoadedModel model,
              String requestId,
              String deviceId,
              io.vigil.inference.validation.ValidatedInput input,
              float[][] outputs,
              long latencyMicros,
              String safety) {
            return CompletableFuture.completedFuture(-1L);
          }

          @Override
          public CompletableFuture<Long> recordFailure(
              LoadedModel model, String requestId, String deviceId, String error) {
            return CompletableFuture.completedFuture(-1L);
          }

          @Override
          public Optional<String> problem() {
            return Optional.empty();
          }
        };
    Gateway gateway = new Gateway(config, newMeterRegistry(), Optional.empty(), none);
    try {
      gateway.startUp();
      return gateway;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  private void startUp() {
    disk.check();
    ModelStore store = ModelStore.open(config.dataDir());
    // The store is read and verified once: what is loaded is what the installer compares with.
    models.loadAll(store, Slots.open(config.dataDir()));
    models.refused().forEach(reason -> record(Events.bundleRefused(reason)));
    for (LoadedModel m : models.all()) {
      record(Events.bundleActivated(m.bundle(), models.isActive(m)));
    }
    // Candidates, probations and updates stored but not placed when the gateway stopped.
    gate.resume();
    recoverRollback();
    installer =
        new Installer(
            config.trustDir(),
            store,
            () -> models.all().stream().map(LoadedModel::bundle).toList(),
            config.trust().site(),
            Clock.systemUTC(),
            this::record);
    installer.recoverUnfinished();
    config.trustRoots().ifPresent(installer::trustRootsIn);
    if (config.sync().enabled()) {
      sync =
          Optional.of(
              SyncService.start(
                  vertx,
                  config,
                  Ledgers.identity(config),
                  meters,
                  models,
                  ledger,
                  this::record,
                  new SyncService.Operations() {
                    @Override
                    public void suspend(
                        String model, Optional<String> version, String actor, String reason) {
                      Gateway.this.suspend(model, version, actor, reason);
                    }

                    @Override
                    public void resume(
                        String model, Optional<String> version, String actor, String reason) {
                      Gateway.this.resume(model, version, actor, reason);
                    }

                    @Override
                    public void rollback(
                        String model, String version, String sha256, String actor, String reason) {
                      Gateway.this.rollback(
                          model, Optional.of(version), Optional.of(sha256), actor, reason);
                    }

                    @Override
                    public InstallReport install(InstallRequest request) {
                      return Gateway.this.install(request);
                    }
                  },
                  Version.current()));
    }
    if (config.installDemoBundle()) {
      installDemo();
    }
    if (!models.hasModels()) {
      LOG.log(Level.WARNING, "no model is loaded: readiness stays false until one is installed");
    }
    int counted = outcomes.rebuild();
    if (counted > 0) {
      LOG.log(Level.INFO, "live performance rebuilt from " + counted + " recorded outcomes");
    }
    Endpoint devices =
        Endpoint.devices(
            config.dataDir(),
            config.server().access().tls(),
            config.server().access().trustedProxies(),
            config.server().deviceIdentityHeader());
    Endpoint operators = Endpoint.operators(config.dataDir(), config.admin().tls());
    // One verticle per core; Vert.x shares the listening socket among them (port 0 included).
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    String version = Version.current();
    List<OipVerticle> verticles = new CopyOnWriteArrayList<>();
    Limits limits = Limits.create(config.server().limits());
    await(
        vertx.deployVerticle(
            () -> {
              OipVerticle v =
                  new OipVerticle(
                      models,
                      recorder,
                      lifecycle,
                      config.server().host(),
                      config.server().port(),
                      config.server().maxBodyBytes(),
                      bodyBudget,
                      devices,
                      config.server().access().authentication()
                          == DeviceAccess.Authentication.REQUIRED,
                      version,
                      () -> disk.warning().stream().toList(),
                      inferenceMeters,
                      gate::answered,
                      limits,
                      outcomes);
              verticles.add(v);
              return v;
            },
            new DeploymentOptions().setInstances(instances)),
        "start the HTTP server on " + config.server().host() + ":" + config.server().port());
    port = verticles.get(0).actualPort();
    List<GrpcVerticle> grpcVerticles = new CopyOnWriteArrayList<>();
    if (config.grpc().enabled()) {
      await(
          vertx.deployVerticle(
              () -> {
                GrpcVerticle v =
                    new GrpcVerticle(
                        models,
                        recorder,
                        lifecycle,
                        config.server().host(),
                        config.grpc().port(),
                        config.server().maxBodyBytes(),
                        bodyBudget,
                        devices,
                        config.server().access().authentication()
                            == DeviceAccess.Authentication.REQUIRED,
                        version,
                        gate::answered,
                        limits);
                grpcVerticles.add(v);
                return v;
              },
              new DeploymentOptions().setInstances(instances)),
          "start the gRPC server on " + config.server().host() + ":" + config.grpc().port());
      grpcPort = grpcVerticles.get(0).actualPort();
    }
    AdminVerticle admin =
        new AdminVerticle(
            config.admin().host(),
            config.admin().port(),
            meters::scrape,
            this::install,
            new ModelsApi(
                models,
                this::resume,
                this::suspend,
                (model, target, actor, reason) ->
                    rollback(model, target, Optional.empty(), actor, reason)),
            new UpdatesApi(models, gate),
            new OutcomesApi(outcomes),
            new DashboardApi(meters, ledger, sync),
            operators);
    await(
        vertx.deployVerticle(admin),
        "start the admin server on " + config.admin().host() + ":" + config.admin().port());
    adminPort = admin.actualPort();
    AdminUrl.write(config.dataDir(), config.admin().host(), adminPort);
    // Certificates, revocation lists and credentials are read again when they change; file reads
    // never run on an event loop.
    WorkerExecutor accessReload = vertx.createSharedWorkerExecutor(ACCESS_RELOAD_POOL, 1);
    timers.add(
        vertx.setPeriodic(
            ACCESS_RELOAD_INTERVAL.toMillis(),
            id ->
                accessReload.executeBlocking(
                    () -> {
                      devices
                          .refresh()
                          .ifPresent(
                              o -> {
                                verticles.forEach(v -> v.updateTls(o));
                                grpcVerticles.forEach(v -> v.updateTls(o));
                              });
                      operators.refresh().ifPresent(admin::updateTls);
                      return null;
                    },
                    false)));
    logAccess(devices);
    // A statfs can hang on a sick disk: never on an event loop.
    WorkerExecutor diskWatch = vertx.createSharedWorkerExecutor(DISK_WATCH_POOL, 1);
    timers.add(
        vertx.setPeriodic(
            DISK_CHECK_INTERVAL.toMillis(),
            id ->
                diskWatch.executeBlocking(
                    () -> {
                      disk.check();
                      return null;
                    },
                    false)));
    if (ledger.isPresent()) {
      // Sealing segments reads and writes files for seconds: never on an event loop, and on its own
      // thread so that it cannot hold up other blocking work.
      WorkerExecutor archiver = vertx.createSharedWorkerExecutor(ARCHIVER_POOL, 1);
      timers.add(
          vertx.setPeriodic(
              config.audit().archiveInterval().toMillis(),
              id ->
                  archiver
                      .executeBlocking(this::archiveOldEntries, false)
                      .onFailure(
                          e ->
                              logFailure(
                                  Level.ERROR,
                                  "ledger archiving failed, entries stay in the database and it is"
                                      + " tried again in "
                                      + config.audit().archiveInterval(),
                                  e))));
    }
    lifecycle.markReady();
  }

  /**
   * Seals the whole segments older than the newest {@code audit.keep-entries} entries into segment
   * files; the tree does not change, and the event says which segments were sealed.
   *
   * @return how many segments were sealed
   * @throws io.vigil.audit.AuditException when a segment cannot be written; the entries stay
   */
  int archiveOldEntries() {
    Ledger l = ledger.orElseThrow();
    long before = l.size() - config.audit().keepEntries();
    if (before <= 0 || closing) {
      return 0;
    }
    List<Segment> sealed = l.archive(before);
    if (!sealed.isEmpty()) {
      record(Events.archived(sealed));
      LOG.log(
          Level.INFO,
          "sealed "
              + sealed.size()
              + " ledger segment(s) up to entry "
              + sealed.get(sealed.size() - 1).endSeq());
    }
    return sealed.size();
  }

  /**
   * Installs the demonstration bundle through the same TUF path as any other: its repository ships
   * in the jar, and its root, marked as a demonstration root, is trusted on the first start. A
   * refusal is recorded and logged, and the gateway starts without it.
   */
  private void installDemo() {
    Optional<ClasspathSource> demo = ClasspathSource.demo();
    if (demo.isEmpty()) {
      LOG.log(Level.WARNING, "this build carries no demonstration repository");
      return;
    }
    if (!installer.trusts(Installer.DEMO)) {
      installer.trustFirstRoot(Installer.DEMO, demo.get().firstRoot(), Events.SYSTEM);
    } else if (demoUpdatedPastTheJar(demo.get())) {
      // An operator installed the demo's update (1.1.0); the jar's older copy of the repository
      // would read as a rollback attack. There is nothing in it this gateway does not have.
      LOG.log(
          Level.INFO,
          "the demonstration repository was updated past the jar's copy; nothing to install from"
              + " the jar");
      return;
    }
    try {
      InstallReport report =
          installer.install(Installer.DEMO, demo.get(), Events.SYSTEM, Optional.empty());
      logRefusals("demonstration bundle ", report);
      activate(report);
    } catch (GatewayException e) {
      LOG.log(
          Level.ERROR, e.getMessage(), LogFields.event(EVENT_UPDATE_REFUSED).code(e.code().name()));
      sync.ifPresent(s -> s.updateRefused(Installer.DEMO, e.code().name()));
    }
  }

  /**
   * Whether the trusted demonstration timestamp is newer than the one in the jar: then the jar's
   * copy is older than what this gateway trusts, and reading it would only be refused.
   */
  private boolean demoUpdatedPastTheJar(ClasspathSource jar) {
    Path trusted = config.trustDir().resolve(Installer.DEMO).resolve("timestamp.json");
    try {
      if (!Files.exists(trusted)) {
        return false;
      }
      long mine = Metadata.timestamp(Files.readAllBytes(trusted)).signed().version();
      long jars =
          Metadata.timestamp(jar.metadata("timestamp.json", 1 << 20).orElseThrow())
              .signed()
              .version();
      return mine > jars;
    } catch (IOException | RuntimeException e) {
      // Unreadable: let the install below find out and say why.
      return false;
    }
  }

  /**
   * Installs what a trusted repository approves, while the gateway runs: what {@code vigil install}
   * asks through the admin port. New bundles are loaded and answer at once; a refusal leaves the
   * models being served as they were.
   */
  public InstallReport install(InstallRequest request) {
    synchronized (installing) {
      return installNow(request);
    }
  }

  private InstallReport installNow(InstallRequest request) {
    if (closing || installer == null) {
      throw new GatewayException(Code.UNAVAILABLE, "the gateway is not running");
    }
    request
        .root()
        .ifPresent(root -> installer.trustFirstRoot(request.repository(), root, request.actor()));
    InstallReport report;
    try {
      report =
          installer.install(
              request.repository(), request.source(), request.actor(), request.approver());
    } catch (GatewayException e) {
      if (e.code() == Code.UPDATE_REFUSED) {
        LOG.log(
            Level.WARNING,
            e.getMessage(),
            LogFields.event(EVENT_UPDATE_REFUSED).code(e.code().name()));
        sync.ifPresent(s -> s.updateRefused(request.repository(), e.code().name()));
      }
      throw e;
    }
    logRefusals("", report);
    activate(report);
    return report;
  }

  /**
   * Logs each refused target, as its {@code update.refused} event records it, and tells the
   * manufacturer over the MQTT link when there is one.
   */
  private void logRefusals(String what, InstallReport report) {
    for (InstallReport.Refusal r : report.refused()) {
      LOG.log(
          Level.ERROR,
          what + r,
          LogFields.event(EVENT_UPDATE_REFUSED)
              .with("VIGIL_TARGET", r.target())
              .with("VIGIL_CHECK", r.check()));
      sync.ifPresent(s -> s.updateRefused(r));
    }
  }

  /**
   * Loads newly installed bundles, each in its own session with its golden vectors re-run, and
   * hands each to the update gate: the first version of a model is active at once, a later one its
   * candidate (the installer installs only releases above every installed one). One that fails its
   * load checks is recorded as refused.
   */
  private void activate(InstallReport report) {
    for (Bundle bundle : report.installed()) {
      try {
        LoadedModel loaded = models.load(bundle);
        CrashPoints.reach("load");
        gate.installed(loaded, report.automatic(bundle));
        record(Events.bundleActivated(bundle, models.isActive(loaded)));
      } catch (InferenceException e) {
        record(Events.bundleRefused(bundle.label() + ": " + e.getMessage()));
      }
    }
  }

  /** What the update gate does to this gateway: the ledger, the link, a rollback. */
  private UpdateGate.Effects gateEffects() {
    return new UpdateGate.Effects() {
      @Override
      public void record(EventEntry event) {
        Gateway.this.record(event);
      }

      @Override
      public void recordLater(EventEntry event) {
        ledger.ifPresent(
            l ->
                l.append(event)
                    .exceptionally(
                        e -> {
                          logFailure(Level.WARNING, "a shadow prediction was not recorded", e);
                          return null;
                        }));
      }

      @Override
      public void upstream(LoadedModel model, EventKind kind, SafetyLevel level, String reason) {
        sync.ifPresent(
            s ->
                s.updateStep(
                    new io.vigil.sync.message.ModelRef(
                        model.manifest().modelId(), model.manifest().version()),
                    kind,
                    level,
                    reason));
      }

      @Override
      public void rollback(String modelId, String actor, String reason) {
        Gateway.this.rollback(modelId, Optional.empty(), Optional.empty(), actor, reason);
      }
    };
  }

  /** The update gate: candidates, their shadow runs, promotions and probations. */
  public UpdateGate updates() {
    return gate;
  }

  /**
   * Makes an earlier installed release of a model its active version again: {@code version}, or
   * else the highest release below the active one; with {@code sha256}, only if its bundle has that
   * digest. The choice is saved before it is in force, so it outlives a restart; it is recorded in
   * the ledger ({@code model.rolled_back}, with who and why) and told to the manufacturer at once.
   * The version left stays loaded, addressable by its version string.
   *
   * @throws GatewayException {@code CONFLICT} when there is nothing earlier to go back to, or the
   *     target is suspended; {@link InferenceException} {@code MODEL_NOT_FOUND} when the model or
   *     version is not installed
   */
  public ModelRegistry.Rollback rollback(
      String modelId,
      Optional<String> version,
      Optional<String> sha256,
      String actor,
      String reason) {
    ModelRegistry.Rollback done;
    synchronized (installing) {
      LoadedModel before = models.active(modelId);
      StepJournal journal = rollbackJournal();
      journal.begin(
          Map.of(
              "model_id", modelId,
              "from_version", before.manifest().version(),
              "from_bundle_sha256", before.bundle().sha256(),
              "actor", actor,
              "reason", reason));
      try {
        CrashPoints.reach("rollback");
        done = models.rollback(modelId, version, sha256);
      } catch (RuntimeException e) {
        journal.end();
        throw e;
      }
      CrashPoints.reach("rolled-back");
      gate.rolledBack(modelId);
      record(Events.rolledBack(done.from().bundle(), done.to().bundle(), actor, reason));
      journal.end();
    }
    LOG.log(
        Level.WARNING,
        "rolled "
            + modelId
            + " back from "
            + done.from().manifest().version()
            + " to "
            + done.to().manifest().version()
            + " ("
            + actor
            + ": "
            + reason
            + ")",
        LogFields.event("model.rolled_back").model(modelId, done.to().manifest().version()));
    LoadedModel from = done.from();
    sync.ifPresent(
        s ->
            s.rolledBack(
                new io.vigil.sync.message.ModelRef(modelId, from.manifest().version()),
                from.monitor().map(ModelMonitor::level).orElse(SafetyLevel.NORMAL),
                actor));
    return done;
  }

  private StepJournal rollbackJournal() {
    return new StepJournal(config.dataDir().resolve("models").resolve(ROLLBACK_JOURNAL));
  }

  /**
   * Records how a rollback that a killed process left unrecorded ended: {@code model.rolled_back}
   * when its slots were saved (then it is in force), else {@code model.rollback_abandoned}, the
   * version it left still active.
   */
  private void recoverRollback() {
    StepJournal journal = rollbackJournal();
    journal
        .unfinished()
        .ifPresent(
            j -> {
              String id = j.getString("model_id", "");
              String fromSha = j.getString("from_bundle_sha256", "");
              Optional<LoadedModel> active = models.findActive(id);
              Optional<LoadedModel> from =
                  models.all().stream()
                      .filter(m -> m.bundle().sha256().equals(fromSha))
                      .findFirst();
              String actor = j.getString("actor", Events.SYSTEM);
              String reason = j.getString("reason", "");
              if (active.isPresent() && from.isPresent() && active.get() != from.get()) {
                EventEntry e =
                    Events.rolledBack(from.get().bundle(), active.get().bundle(), actor, reason);
                record(
                    EventEntry.of(
                        e.type(),
                        actor,
                        new io.vertx.core.json.JsonObject(e.details())
                            .put("recorded_after_restart", true)
                            .getMap()));
              } else {
                Map<String, Object> details = new java.util.LinkedHashMap<>(j.getMap());
                details.put(
                    "why",
                    "the gateway stopped before this rollback was saved; "
                        + active.map(a -> a.manifest().version()).orElse("no version")
                        + " stays active: ask for the rollback again if it is still wanted");
                record(EventEntry.of("model.rollback_abandoned", Events.SYSTEM, details));
              }
              journal.end();
            });
  }

  /**
   * Installs from a repository into a stopped gateway's data directory, recording in its ledger:
   * what {@code vigil install} does when no gateway runs.
   *
   * @throws io.vigil.audit.AuditException {@code IN_USE} when a running gateway holds the ledger
   */
  public static InstallReport installStopped(VigilConfig config, InstallRequest request) {
    DataDirectory.check(config.dataDir());
    try (Ledger ledger = Ledgers.open(config)) {
      ModelStore store = ModelStore.open(config.dataDir());
      Installer installer =
          new Installer(
              config.trustDir(),
              store,
              () -> store.list().bundles(),
              config.trust().site(),
              Clock.systemUTC(),
              event -> Ledgers.record(ledger, event));
      try {
        installer.recoverUnfinished();
        config.trustRoots().ifPresent(installer::trustRootsIn);
        request
            .root()
            .ifPresent(
                root -> installer.trustFirstRoot(request.repository(), root, request.actor()));
        InstallReport report =
            installer.install(
                request.repository(), request.source(), request.actor(), request.approver());
        placeStopped(config, store, report, event -> Ledgers.record(ledger, event));
        return report;
      } finally {
        Ledgers.record(ledger, Events.commandFinished("install", request.actor()));
      }
    }
  }

  /**
   * Puts what a stopped gateway installed into its slots, as a running one's update gate would: the
   * first version of a model active, a later one its candidate, to run in shadow from the next
   * start. The candidate it displaces, if any, is retired.
   */
  private static void placeStopped(
      VigilConfig config, ModelStore store, InstallReport report, Consumer<EventEntry> record) {
    if (report.installed().isEmpty()) {
      return;
    }
    Slots slots = Slots.open(config.dataDir());
    List<Bundle> stored = store.list().bundles();
    for (Bundle b : report.installed()) {
      String id = b.manifest().modelId();
      Slots.Ref ref = new Slots.Ref(b.manifest().release(), b.manifest().version(), b.sha256());
      boolean first =
          stored.stream()
              .noneMatch(o -> o.manifest().modelId().equals(id) && !o.sha256().equals(b.sha256()));
      if (first) {
        slots.update(id, m -> m.withActive(Optional.of(ref)));
        continue;
      }
      boolean automatic = report.automatic(b);
      slots.update(
          id,
          m -> {
            Slots.Model next =
                m.withCandidate(
                    Optional.of(
                        new Slots.Candidate(
                            ref, Slots.Stage.SHADOW, java.time.Instant.now(), automatic)));
            return m.candidate().map(c -> next.retiring(c.bundle())).orElse(next);
          });
      Map<String, Object> details = new java.util.LinkedHashMap<>();
      details.put("model_id", id);
      details.put("version", b.manifest().version());
      details.put("release", b.manifest().release());
      details.put("bundle_sha256", b.sha256());
      details.put("automatic", automatic);
      details.put("why", "installed while the gateway was stopped; its shadow run starts with it");
      record.accept(EventEntry.of("update.candidate", UpdateGate.SYSTEM, details));
    }
  }

  /**
   * Starts monitoring a version being loaded, against the reference profile in its bundle; none
   * when monitoring is off or the bundle has no profile (then its answers say {@code unmonitored}).
   */
  private Optional<ModelMonitor> startMonitor(Bundle bundle) {
    if (monitoring.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> profile = bundle.file(ReferenceProfile.FILE);
    if (profile.isEmpty()) {
      LOG.log(
          Level.WARNING,
          bundle.label() + " has no " + ReferenceProfile.FILE + ": its answers are unmonitored");
      return Optional.empty();
    }
    MonitoringConfig m = config.monitoring();
    MonitorOptions options =
        MonitorOptions.of(bundle.manifest()).withWindowMaxAge(m.windowMaxAge());
    if (m.windowRows() > 0 || m.minWindowRows() > 0) {
      int rows = m.windowRows() > 0 ? m.windowRows() : options.windowRows();
      int minRows =
          m.minWindowRows() > 0 ? m.minWindowRows() : Math.min(options.minWindowRows(), rows);
      options = options.withWindowRows(rows, minRows);
    }
    ModelMonitor monitor =
        monitoring
            .get()
            .monitor(bundle.manifest(), ReferenceProfileCodec.parse(profile.get()), options);
    List<String> features =
        bundle.manifest().inputs().stream()
            .flatMap(t -> t.features().stream())
            .map(f -> f.name())
            .toList();
    safetyMeters.put(
        monitor,
        SafetyMeters.register(meters, monitor, features, bundle.manifest().decision().output()));
    return Optional.of(monitor);
  }

  /** Stops monitoring a version that is unloaded, and takes its gauges away. */
  private void stopMonitor(ModelMonitor monitor) {
    Optional.ofNullable(safetyMeters.remove(monitor)).ifPresent(SafetyMeters::remove);
    monitoring.ifPresent(all -> all.remove(monitor));
  }

  /** Records closed windows and every change of safety level in the ledger. */
  private SafetyListener safetyEvents() {
    return new SafetyListener() {
      @Override
      public void windowClosed(ModelMonitor monitor, WindowResult window) {
        // Not waited for: at a high rate windows close many times a second, and a window's event
        // is evidence, not a decision. A change of level (below) is waited for.
        ledger.ifPresent(
            l ->
                l.append(Events.windowClosed(monitor.modelId(), monitor.version(), window))
                    .exceptionally(
                        e -> {
                          logFailure(
                              Level.WARNING, "a monitoring window's event was not recorded", e);
                          return null;
                        }));
        sync.ifPresent(s -> s.windowClosed(monitor.modelId(), monitor.version(), window));
      }

      @Override
      public void levelChanged(
          ModelMonitor monitor,
          SafetyLevel from,
          SafetyLevel to,
          List<String> reasons,
          String actor) {
        LOG.log(
            to.compareTo(from) > 0 ? Level.WARNING : Level.INFO,
            monitor.modelId()
                + " "
                + monitor.version()
                + ": safety "
                + from.jsonName()
                + " -> "
                + to.jsonName()
                + " "
                + reasons,
            LogFields.event(EVENT_SAFETY_CHANGED).model(monitor.modelId(), monitor.version()));
        record(
            Events.safetyChanged(monitor.modelId(), monitor.version(), from, to, reasons, actor));
        sync.ifPresent(s -> s.safetyChanged(monitor.modelId(), monitor.version(), from, to, actor));
        gate.levelChanged(monitor, to, reasons);
      }
    };
  }

  /**
   * Resumes a version that the safety policy suspended: an administrator's explicit act, recorded
   * with who and why before the model answers again.
   */
  public SafetyLevel resume(String modelId, Optional<String> version, String actor, String reason) {
    ModelMonitor monitor = monitorOf(modelId, version);
    await(
        Future.fromCompletionStage(monitoring.orElseThrow().resume(monitor, actor, reason)),
        "resume " + modelId);
    return monitor.level();
  }

  /**
   * Suspends a version by a person's act (an operator, or the manufacturer's signed command): the
   * suspended state the policy's suspension uses, recorded with who and why and saved before it is
   * in force; it answers 503 until {@link #resume}.
   */
  public SafetyLevel suspend(
      String modelId, Optional<String> version, String actor, String reason) {
    ModelMonitor monitor = monitorOf(modelId, version);
    await(
        Future.fromCompletionStage(monitoring.orElseThrow().suspend(monitor, actor, reason)),
        "suspend " + modelId);
    return monitor.level();
  }

  private ModelMonitor monitorOf(String modelId, Optional<String> version) {
    LoadedModel model =
        version.isPresent() ? models.version(modelId, version.get()) : models.active(modelId);
    return model
        .monitor()
        .orElseThrow(
            () ->
                new GatewayException(
                    Code.NOT_FOUND,
                    modelId + " " + model.manifest().version() + " is not monitored"));
  }

  /** The live monitoring, unless it is off. */
  public Optional<Monitoring> monitoring() {
    return monitoring;
  }

  /** The bundle shipped in the jar, verified like any other; absent in a build without it. */
  public static Optional<Bundle> demoBundle() {
    try (InputStream in = Gateway.class.getResourceAsStream(DEMO_BUNDLE_RESOURCE)) {
      if (in == null) {
        LOG.log(
            Level.WARNING,
            "this build carries no demonstration bundle (" + DEMO_BUNDLE_RESOURCE + ")");
        return Optional.empty();
      }
      return Optional.of(BundleReader.read(in.readAllBytes(), "demonstration bundle"));
    } catch (IOException e) {
      throw new GatewayException(
          Code.IO_FAILED,
          "cannot read the demonstration bundle from the jar: " + e.getMessage(),
          e);
    }
  }

  /** The version of this build, as Maven stamped it. */
  public static String version() {
    return Version.current();
  }

  /**
   * Says how devices reach the gateway: over TLS (with client certificates or not, with a
   * revocation list or not), or over plain HTTP, which is a warning; and whether unauthenticated
   * devices are served.
   */
  private void logAccess(Endpoint devices) {
    DeviceAccess access = config.server().access();
    if (devices.tls().isEmpty()) {
      LOG.log(
          Level.WARNING,
          "devices reach this gateway over plain HTTP (server.plaintext: true): requests and"
              + " tokens cross the network unencrypted; serve TLS (server.tls) unless the server"
              + " is on loopback or behind a TLS-terminating proxy");
    } else {
      LOG.log(
          Level.INFO,
          "devices reach this gateway over TLS 1.2+"
              + (devices.tls().get().clientCertificates()
                  ? ", with client certificates from " + access.tls().clientCaFile()
                  : ", without client certificates")
              + (access.tls().revocation() ? ", revocation list " + access.tls().crlFile() : ""));
    }
    if (access.authentication() == DeviceAccess.Authentication.OFF) {
      LOG.log(
          Level.WARNING,
          "devices are not authenticated (server.device-auth: off): a request without a"
              + " credential is served and recorded as 'anonymous'");
    }
  }

  /** The port the OIP API listens on (the configured one, or the one picked for port 0). */
  public int port() {
    return port;
  }

  /** The port the OIP's gRPC binding listens on; -1 when {@code grpc.enabled} is false. */
  public int grpcPort() {
    return grpcPort;
  }

  /** The port the admin server ({@code /metrics}) listens on. */
  public int adminPort() {
    return adminPort;
  }

  /**
   * Why the gateway cannot do its work now, for systemd's watchdog, which a restart may mend: the
   * ledger cannot write (it retries by itself every second; a fault that lasts longer than {@code
   * WatchdogSec} gets the service restarted); empty while it can. A low disk and a gateway without
   * models are not faults: a restart changes neither, and a ledger stopped by a full disk goes on
   * by itself once space is freed, so it is no fault while the disk is low either.
   */
  public Optional<String> fault() {
    if (closing || disk.warning().isPresent()) {
      return Optional.empty();
    }
    return recorder.problem();
  }

  /**
   * The Vert.x instance whose event loops serve the APIs: for timers that must stop when those
   * loops stall, such as systemd's watchdog.
   */
  public Vertx vertx() {
    return vertx;
  }

  /** Whether the gateway answers inference requests now: what readiness says. */
  public boolean ready() {
    return lifecycle.ready() && recorder.problem().isEmpty() && models.hasModels();
  }

  /**
   * The gateway's own gauges, read when {@code /metrics} is scraped. Drift per feature and the
   * safety state per model are not here: the {@code monitoring} module's live component registers
   * its gauges on {@link #meters()}.
   */
  private void registerGauges() {
    Gauge.builder("vigil.ready", this, g -> g.ready() ? 1 : 0)
        .description("1 while the gateway answers inference requests.")
        .strongReference(true)
        .register(meters);
    Gauge.builder("vigil.disk.free", disk, DiskWatch::freeBytes)
        .description("Usable bytes on the disk that holds the data directory.")
        .baseUnit(BaseUnits.BYTES)
        .tag("path", disk.dir().toString())
        .strongReference(true)
        .register(meters);
    Gauge.builder("vigil.disk.min.free", disk, DiskWatch::minFreeBytes)
        .description("audit.min-free-space: below it the gateway warns.")
        .baseUnit(BaseUnits.BYTES)
        .strongReference(true)
        .register(meters);
    Gauge.builder("vigil.disk.low", disk, d -> d.warning().isPresent() ? 1 : 0)
        .description("1 while the free space is below audit.min-free-space.")
        .strongReference(true)
        .register(meters);
    ledger.ifPresent(
        l -> {
          Gauge.builder("vigil.ledger.healthy", l, x -> x.healthy() ? 1 : 0)
              .description("1 while the ledger can record; 0 stops every answer with 503.")
              .strongReference(true)
              .register(meters);
          Gauge.builder("vigil.ledger.entries", l, Ledger::size)
              .description("Entries in the ledger.")
              .strongReference(true)
              .register(meters);
        });
  }

  /**
   * The registry of this gateway's meters, which {@code /metrics} scrapes: where other components
   * (the {@code monitoring} module's drift and safety gauges) register theirs.
   */
  public MeterRegistry meters() {
    return meters;
  }

  /** The loaded models. */
  public ModelRegistry models() {
    return models;
  }

  /** Readiness and requests in flight. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** The memory that request bodies hold now, and may hold at once. */
  public BodyBudget bodyBudget() {
    return bodyBudget;
  }

  /** The ledger, unless this gateway was started unrecorded for a benchmark. */
  public Optional<Ledger> ledger() {
    return ledger;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  /**
   * Stops taking requests, lets the ones in flight finish (up to the configured grace), then closes
   * the HTTP server, the batchers and the ONNX Runtime sessions, records the stop, and closes the
   * ledger with a last checkpoint, in that order.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    try {
      lifecycle.startDraining();
      int left = lifecycle.awaitIdle(config.shutdownGrace().toMillis());
      timers.forEach(vertx::cancelTimer);
      // Before Vert.x closes: the link publishes its offline status on it.
      sync.ifPresent(Gateway::closeSync);
      if (left > 0) {
        LOG.log(
            Level.WARNING,
            left
                + " requests still in flight after the grace of "
                + config.shutdownGrace()
                + "; closing anyway");
      }
      try {
        await(vertx.close(), "close the HTTP server");
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "while closing the HTTP server: " + e.getMessage());
      }
      gate.close();
      outcomes.close();
      models.close();
      monitoring.ifPresent(Monitoring::close);
      AdminUrl.delete(config.dataDir());
      if (ledger.isPresent()) {
        try {
          record(Events.stopped(left));
        } catch (RuntimeException e) {
          logFailure(Level.WARNING, "the stop could not be recorded", e);
        }
        ledger.get().close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closed.countDown();
    }
  }

  private static void closeSync(SyncService s) {
    try {
      s.close();
    } catch (RuntimeException e) {
      logFailure(Level.WARNING, "while closing the MQTT link", e);
    }
  }

  /** The MQTT link to the manufacturer, when {@code sync.broker} is configured. */
  public Optional<SyncService> sync() {
    return sync;
  }

  /** Records an event and waits for its commit: events are rare and must not be lost. */
  private void record(EventEntry event) {
    ledger.ifPresent(l -> Ledgers.record(l, event));
  }

  /**
   * Logs {@code what} failed: on one line with the reason for an expected failure (a module's coded
   * exception), with the stack trace for anything else, which is a defect.
   */
  private static void logFailure(Level level, String what, Throwable failure) {
    if (failure instanceof GatewayException g) {
      LOG.log(level, what + ": " + g.getMessage(), LogFields.of(LogFields.CODE, g.code().name()));
    } else if (failure instanceof AuditException a) {
      LOG.log(level, what + ": " + a.getMessage(), LogFields.of(LogFields.CODE, a.code().name()));
    } else if (failure instanceof InferenceException i) {
      LOG.log(level, what + ": " + i.getMessage(), LogFields.of(LogFields.CODE, i.code().name()));
    } else {
      LOG.log(level, what, failure);
    }
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      // A module's coded failure (a model that will not load, a model that is not suspended)
      // passes through as it is, for the caller to map; anything else is "could not".
      if (cause instanceof InferenceException
          || cause instanceof MonitoringException
          || cause instanceof GatewayException) {
        throw (RuntimeException) cause;
      }
      throw new GatewayException(
          Code.UNAVAILABLE, "cannot " + what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new GatewayException(Code.UNAVAILABLE, "cannot " + what + ": no answer within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(Code.UNAVAILABLE, "interrupted while trying to " + what);
    }
  }
}
