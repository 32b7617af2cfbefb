package io.vigil.gateway.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.install.InstallReport;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.models.LoadedModel;
import io.vigil.gateway.models.ModelRegistry;
import io.vigil.inference.bundle.Bundle;
import io.vigil.monitoring.WindowResult;
import io.vigil.sync.chunks.LinkFeed;
import io.vigil.sync.chunks.MqttSource;
import io.vigil.sync.chunks.MqttSourceOptions;
import io.vigil.sync.chunks.Topics;
import io.vigil.sync.command.CommandVerifier;
import io.vigil.sync.command.ReplayGuard;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.link.TlsFiles;
import io.vigil.sync.message.Event;
import io.vigil.sync.message.EventKind;
import io.vigil.sync.message.MessageJson;
import io.vigil.sync.message.ModelRef;
import io.vigil.sync.message.SafetyChange;
import io.vigil.sync.message.SafetyLevel;
import io.vigil.sync.message.Summary;
import io.vigil.sync.outbox.Kind;
import io.vigil.sync.outbox.Outbox;
import io.vigil.sync.outbox.OutboxOptions;
import io.vigil.sync.outbox.Pending;
import io.vigil.sync.outbox.Priority;
import io.vigil.sync.publish.GatewayTopics;
import io.vigil.sync.publish.OutboxPublisher;
import io.vigil.sync.publish.PublisherOptions;
import io.vigil.sync.publish.Transport;
import io.vigil.trust.IdentityKey;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The gateway's MQTT link to its manufacturer: the link with its retained status, the outbox, the
 * publisher that drains it, a summary every {@code sync.summary-interval}, safety events at once,
 * the manufacturer's signed commands, and updates: each new retained {@code timestamp.json} of the
 * fleet's repository (and the first one after every connect) runs the install path of {@code vigil
 * install} for {@code sync.repository} with an {@link MqttSource}, on its own thread, {@value
 * #UPDATER}, one run at a time, triggers that arrive meanwhile coalesced into one more run. Outbox
 * and summaries run on one worker thread, {@value #WORKER}; nothing here runs on an event loop.
 */
public final class SyncService implements AutoCloseable {

  /** The worker, of one thread, that builds summaries and appends to the outbox. */
  public static final String WORKER = "vigil-sync";

  /** The thread that installs updates that arrived over MQTT. */
  public static final String UPDATER = "vigil-updates";

  /** Who asks for an install over MQTT, as the ledger records it. */
  public static final String ACTOR = "sync:mqtt";

  /** Where partial downloads of targets are kept between attempts, under the data directory. */
  public static final Path DOWNLOADS = Path.of("sync", "downloads");

  /**
   * How long the repository's metadata topics stay quiet before an update runs: after a connect the
   * broker sends every retained metadata file again, the timestamp not necessarily last.
   */
  static final long SETTLE_MILLIS = 500;

  /** The suffix of the retained status topic. */
  public static final String STATUS = "status";

  /** The suffix of the topic commands arrive on. */
  public static final String COMMANDS = "commands";

  /** The replay guard's file in the data directory. */
  public static final String REPLAY_FILE = "commands.json";

  /**
   * The ledger checkpoint of the last summary put in the outbox, under the data directory: the next
   * summary, also after a restart, carries the consistency proof from it.
   */
  static final Path CHAIN_FILE = Path.of("sync", "summary-checkpoint");

  private static final Logger LOG = System.getLogger(SyncService.class.getName());

  private final Vertx vertx;
  private final GatewayTopics topics;
  private final MqttLink link;
  private final Outbox outbox;
  private final OutboxPublisher publisher;
  private final WorkerExecutor worker;
  private final Summaries summaries;
  private final Commands commands;
  private final Topics repoTopics;
  private final String repository;
  private final MqttSourceOptions sourceOptions;
  private final Operations operations;
  private final ExecutorService updater =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, UPDATER);
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean updateWanted = new AtomicBoolean();
  private final AtomicBoolean updating = new AtomicBoolean();
  private LinkFeed feed;
  private volatile long lastMetadata = System.nanoTime();
  private byte[] lastTimestamp; // on the link's context only
  private boolean reconnected = true; // on the link's context only
  private long timer = -1;
  private volatile boolean closed;

  // The last summary that carried a checkpoint: set on the worker, read by the dashboard.
  private volatile Optional<SentCheckpoint> lastCheckpoint = Optional.empty();

  /**
   * The last summary that carried a ledger checkpoint, and whether the broker acknowledged it.
   *
   * @param summarySeq the summary's sequence number in the outbox
   * @param note the checkpoint note it carried
   * @param acknowledged whether its PUBACK came (the outbox deletes a row only then)
   * @param connected whether the link is up now
   */
  public record CheckpointDelivery(
      long summarySeq, String note, boolean acknowledged, boolean connected) {}

  private record SentCheckpoint(long seq, String note) {}

  /** What the commands do to the gateway: the admin API's suspend, resume and rollback. */
  public interface Operations {

    /** Suspends a model version, recorded with {@code actor} and {@code reason}. */
    void suspend(String model, Optional<String> version, String actor, String reason);

    /** Resumes a suspended model version, recorded with {@code actor} and {@code reason}. */
    void resume(String model, Optional<String> version, String actor, String reason);

    /**
     * Makes the installed {@code version} of {@code model}, whose bundle has {@code sha256}, the
     * active one again, as the admin API's rollback does; recorded with {@code actor} and {@code
     * reason}.
     *
     * @throws RuntimeException when it cannot: the version is not installed, not earlier, or
     *     suspended
     */
    void rollback(String model, String version, String sha256, String actor, String reason);

    /**
     * Installs what {@code request}'s repository approves, as {@code vigil install} and the admin
     * endpoint do: new bundles loaded, refusals recorded and reported.
     *
     * @throws GatewayException as {@link io.vigil.gateway.Gateway#install} does
     */
    InstallReport install(InstallRequest request);
  }

  private SyncService(
      Vertx vertx,
      VigilConfig config,
      IdentityKey identity,
      MeterRegistry meters,
      ModelRegistry models,
      Optional<Ledger> ledger,
      Consumer<EventEntry> record,
      Operations operations,
      String softwareVersion) {
    SyncConfig sync = config.sync();
    // On MQTT the key signs as sync.gateway-id; the ledger's checkpoints keep the origin's name.
    IdentityKey gateway = identity.named(config.gatewayId());
    this.vertx = vertx;
    this.topics = GatewayTopics.of(sync.fleet(), gateway.name());
    this.repoTopics = Topics.of(sync.fleet());
    this.repository = sync.repository();
    this.sourceOptions = MqttSourceOptions.of(config.dataDir().resolve(DOWNLOADS));
    this.operations = operations;
    Optional<TlsFiles> tls =
        sync.broker().startsWith("ssl://")
            ? Optional.of(new TlsFiles(sync.caFile(), sync.certFile(), sync.keyFile()))
            : Optional.empty();
    LinkOptions options =
        new LinkOptions(
            sync.broker(),
            sync.fleet() + "." + gateway.name(),
            topics.topic(STATUS),
            tls,
            sync.sessionExpiry(),
            LinkOptions.DEFAULT_KEEP_ALIVE,
            LinkOptions.DEFAULT_CONNECT_TIMEOUT,
            LinkOptions.DEFAULT_RECONNECT_BASE,
            sync.reconnectMaxDelay());
    this.worker = vertx.createSharedWorkerExecutor(WORKER, 1);
    this.outbox =
        Outbox.open(
            OutboxOptions.defaults(config.dataDir())
                .withLimits(sync.outboxMaxBytes(), OutboxOptions.DEFAULT_MAX_ROWS));
    this.link = MqttLink.create(vertx, options);
    Transport transport =
        new Transport() {
          @Override
          public CompletionStage<Void> publish(String topic, byte[] payload) {
            return link.publish(topic, payload, false).toCompletionStage();
          }

          @Override
          public boolean connected() {
            return link.isConnected();
          }
        };
    this.publisher =
        OutboxPublisher.create(
            outbox,
            transport,
            gateway,
            topics,
            PublisherOptions.defaults().withWindow(sync.publishWindow()));
    this.summaries =
        new Summaries(
            meters,
            models,
            ledger,
            config.dataDir().resolve(CHAIN_FILE),
            wireVersion(softwareVersion),
            Instant.now());
    this.commands =
        new Commands(
            CommandVerifier.create(
                sync.fleet(),
                gateway.name(),
                Clock.systemUTC(),
                ReplayGuard.open(config.dataDir().resolve(REPLAY_FILE))),
            config.trustDir().resolve(sync.repository()),
            record,
            operations,
            this::appendSummary,
            this::commandRefused,
            topics.topic(COMMANDS),
            id -> demoOnly(models, id));
  }

  /**
   * Opens the outbox, starts the publisher and the link (which connects in the background), the
   * summary timer and the subscription to commands.
   */
  public static SyncService start(
      Vertx vertx,
      VigilConfig config,
      IdentityKey identity,
      MeterRegistry meters,
      ModelRegistry models,
      Optional<Ledger> ledger,
      Consumer<EventEntry> record,
      Operations operations,
      String softwareVersion) {
    SyncService s =
        new SyncService(
            vertx, config, identity, meters, models, ledger, record, operations, softwareVersion);
    s.publisher.start();
    s.link.upHandler(
        v -> {
          s.reconnected = true;
          s.publisher.kick();
        });
    s.link.downHandler(e -> LOG.log(Level.INFO, "MQTT link down: " + e.getMessage()));
    s.link.subscribe(
        s.topics.topic(COMMANDS), m -> s.onWorker(() -> s.commands.handle(m.topic(), m.payload())));
    s.feed = LinkFeed.open(s.link, s.repoTopics, s::metadataArrived);
    s.link.start();
    s.timer =
        vertx.setPeriodic(
            config.sync().summaryInterval().toMillis(), id -> s.onWorker(s::appendSummary));
    LOG.log(
        Level.INFO,
        "MQTT link to "
            + config.sync().broker()
            + " as "
            + s.topics
            + " (summaries every "
            + config.sync().summaryInterval()
            + "; updates of repository '"
            + s.repository
            + "' from "
            + s.repoTopics
            + ")");
    return s;
  }

  /**
   * On the link's context: a new timestamp, or the first one after a connect (the broker sends the
   * retained ones again), asks for an update run.
   */
  private void metadataArrived(String topic, byte[] payload) {
    lastMetadata = System.nanoTime();
    if (payload.length == 0 || !topic.equals(repoTopics.metadata("timestamp.json"))) {
      return;
    }
    if (reconnected || !Arrays.equals(payload, lastTimestamp)) {
      reconnected = false;
      lastTimestamp = payload;
      updateNow();
    }
  }

  /**
   * Asks for an update run: one starts on {@value #UPDATER} unless one is running, which then runs
   * once more when it ends, however many times this was called meanwhile.
   */
  public void updateNow() {
    if (closed) {
      return;
    }
    updateWanted.set(true);
    if (updating.compareAndSet(false, true)) {
      try {
        updater.execute(this::updates);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        updating.set(false); // closed meanwhile
      }
    }
  }

  private void updates() {
    while (true) {
      while (!closed && updateWanted.getAndSet(false)) {
        update();
      }
      updating.set(false);
      if (closed || !updateWanted.get() || !updating.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /** One install from the repository over MQTT; what it did is logged, its refusals recorded. */
  private void update() {
    try {
      long settle = TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
      long left;
      while ((left = settle - (System.nanoTime() - lastMetadata)) > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
      InstallReport report =
          operations.install(
              new InstallRequest(
                  repository,
                  MqttSource.create(feed, repoTopics, sourceOptions),
                  Optional.empty(),
                  ACTOR,
                  Optional.empty()));
      LOG.log(
          report.installed().isEmpty() && report.refused().isEmpty() ? Level.DEBUG : Level.INFO,
          "update over MQTT from repository '"
              + repository
              + "': installed "
              + report.installed().stream().map(Bundle::label).toList()
              + ", unchanged "
              + report.unchanged()
              + ", held "
              + report.held()
              + ", refused "
              + report.refused().size());
    } catch (GatewayException e) {
      // A refused update was recorded, logged and reported by the install path already.
      Level level =
          e.code() == GatewayException.Code.UPDATE_REFUSED || closed ? Level.DEBUG : Level.WARNING;
      LOG.log(level, "update over MQTT from repository '" + repository + "': " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "update over MQTT from repository '" + repository + "' failed", e);
    }
  }

  /** Completes when the link is connected for the first time, its online status sent. */
  public Future<Void> connected() {
    return link.connected();
  }

  /**
   * The last summary put in the outbox that carried a checkpoint, with whether the broker
   * acknowledged it; empty before the first one since start. Reads the outbox: not on an event
   * loop.
   */
  public Optional<CheckpointDelivery> lastCheckpoint() {
    return lastCheckpoint.map(
        sent -> {
          List<Pending> waiting = outbox.next(sent.seq() - 1, 1);
          boolean unsent = !waiting.isEmpty() && waiting.get(0).seq() == sent.seq();
          return new CheckpointDelivery(sent.seq(), sent.note(), !unsent, link.isConnected());
        });
  }

  /** Whether the MQTT link is connected now. */
  public boolean linkUp() {
    return link.isConnected();
  }

  /** The topics of this gateway. */
  public GatewayTopics topics() {
    return topics;
  }

  /** Appends a summary of the period up to now, on the worker; completes with its seq. */
  public Future<Long> summaryNow() {
    return worker.executeBlocking(this::appendSummary, true);
  }

  /** A monitoring window closed: it goes into the next summary. */
  public void windowClosed(String model, String version, WindowResult window) {
    ModelRef ref = new ModelRef(model, version);
    onWorker(() -> summaries.windowClosed(Mapping.window(ref, window)));
  }

  /**
   * A model version's safety level changed: into the next summary, and at once as a safety event
   * when it reached alert or suspend or left suspend.
   */
  public void safetyChanged(
      String model,
      String version,
      io.vigil.monitoring.SafetyLevel from,
      io.vigil.monitoring.SafetyLevel to,
      String actor) {
    Instant at = Instant.now();
    ModelRef ref = new ModelRef(model, version);
    String reason = Mapping.reasonOf(actor, to);
    onWorker(
        () -> {
          summaries.safetyChanged(
              new SafetyChange(ref, Mapping.level(from), Mapping.level(to), at, reason));
          Mapping.eventOf(from, to)
              .ifPresent(
                  kind ->
                      appendEvent(
                          new Event(at, kind, ref, Mapping.level(to), reason, Optional.empty())));
        });
  }

  /**
   * A model was rolled back from {@code from} to {@code to}: a {@code rolled_back} event about the
   * version left, at once, then a summary, whose inventory says which version is active now.
   */
  public void rolledBack(ModelRef from, io.vigil.monitoring.SafetyLevel level, String actor) {
    Instant at = Instant.now();
    String reason = actor.startsWith("command:") ? "command.rollback" : "operator.rollback";
    onWorker(
        () ->
            appendEvent(
                new Event(
                    at,
                    EventKind.ROLLED_BACK,
                    from,
                    Mapping.level(level),
                    reason,
                    Optional.empty())));
    onWorker(this::appendSummary);
  }

  /**
   * A step of an update under the PCCP ({@code candidate}, {@code shadow_passed}, {@code promoted},
   * ...) about the version {@code ref}, at its safety level {@code level}, for {@code reason} (a
   * code: {@code update.shadow}, {@code operator.approve}); at once.
   */
  public void updateStep(
      ModelRef ref, EventKind kind, io.vigil.monitoring.SafetyLevel level, String reason) {
    Instant at = Instant.now();
    String code = Mapping.code(reason);
    onWorker(
        () -> appendEvent(new Event(at, kind, ref, Mapping.level(level), code, Optional.empty())));
  }

  /**
   * An update target was refused: an {@code update_refused} event with the check that failed. The
   * target is not a verified model version, so its file name stands in the model field.
   */
  public void updateRefused(InstallReport.Refusal refusal) {
    String target = refusal.target();
    String stem = target.substring(target.lastIndexOf('/') + 1).replaceFirst("\\.vbundle$", "");
    updateRefused(stem, refusal.check());
  }

  /** A whole update from {@code repository} was refused (its metadata failed a check). */
  public void updateRefused(String repository, String check) {
    Instant at = Instant.now();
    ModelRef ref = new ModelRef(Mapping.name(repository), "unverified");
    String code = Mapping.code(check);
    onWorker(
        () ->
            appendEvent(
                new Event(
                    at,
                    EventKind.UPDATE_REFUSED,
                    ref,
                    SafetyLevel.NORMAL,
                    "update.refused",
                    Optional.of(code))));
  }

  /**
   * A command was refused: a {@code command_refused} event with the command's name and the
   * refusal's code, routine (it may be dropped under pressure; the ledger keeps it). Called on the
   * worker.
   */
  /** Whether {@code modelId} is loaded and every loaded version of it is a demonstration bundle. */
  private static boolean demoOnly(ModelRegistry models, String modelId) {
    List<LoadedModel> versions =
        models.all().stream().filter(m -> m.manifest().modelId().equals(modelId)).toList();
    return !versions.isEmpty() && versions.stream().allMatch(m -> m.manifest().demo());
  }

  private void commandRefused(String command, String code) {
    appendEvent(Event.commandRefused(Instant.now(), Mapping.code(command), Mapping.code(code)));
  }

  private void onWorker(Runnable work) {
    if (closed) {
      return;
    }
    worker
        .executeBlocking(
            () -> {
              if (!closed) {
                work.run();
              }
              return null;
            },
            true)
        .onFailure(e -> LOG.log(Level.ERROR, "the MQTT link's worker failed", e));
  }

  private long appendSummary() {
    Summary summary = summaries.close(Instant.now());
    byte[] body = MessageJson.summary(summary);
    long seq = outbox.append(Kind.SUMMARY, GatewayTopics.SUMMARY, body, Priority.ROUTINE);
    summaries.appended(summary);
    summary
        .checkpoint()
        .ifPresent(c -> lastCheckpoint = Optional.of(new SentCheckpoint(seq, c.note())));
    publisher.kick();
    return seq;
  }

  private void appendEvent(Event event) {
    Priority priority = event.kind().safety() ? Priority.SAFETY : Priority.ROUTINE;
    outbox.append(Kind.EVENT, GatewayTopics.EVENTS, MessageJson.event(event), priority);
    publisher.kick();
  }

  /** The software version as summaries carry it: lower case, {@code 0.0.0} when unknown. */
  static String wireVersion(String version) {
    String v = version.toLowerCase(java.util.Locale.ROOT);
    return v.matches("[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}(-[a-z][a-z0-9.]{0,23})?") ? v : "0.0.0";
  }

  /**
   * Stops the summaries, then closes the publisher (waiting briefly for PUBACKs), the outbox and
   * the link, which publishes the retained {@code offline} status; what is unsent stays in the
   * outbox for the next start.
   */
  @Override
  public void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    // A download waiting for chunks is interrupted; nothing half-installed enters the store.
    updater.shutdownNow();
    if (feed != null) {
      feed.close();
    }
    try {
      if (!updater.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "the update over MQTT did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
    // Let a summary or event being appended finish before the outbox closes under it.
    try {
      worker
          .executeBlocking(() -> null, true)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "the MQTT link's worker did not finish: " + e);
    }
    outbox.close();
    try {
      link.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "the MQTT link did not close cleanly: " + e);
    }
    worker.close();
  }
}
