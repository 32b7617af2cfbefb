package io.vigil.gateway.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.access.Role;
import io.vigil.gateway.sync.SyncService;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What the dashboard reads besides models and updates: {@code GET /admin/v1/traffic} (requests per
 * second and latency percentiles per model version, sampled every five seconds), {@code GET
 * /admin/v1/ledger} (entries, file size, the last signed checkpoint and whether a summary carrying
 * it reached the manufacturer) and {@code GET /admin/v1/events} (the ledger's latest events, newest
 * first). Each needs the role viewer.
 */
public final class DashboardApi {

  /** How many events {@code /admin/v1/events} answers unless {@code limit} says otherwise. */
  static final int DEFAULT_EVENTS = 20;

  /** The most events one request may ask for. */
  static final int MAX_EVENTS = 200;

  /** How far back from the ledger's end events are looked for: predictions are most entries. */
  static final int MAX_SCANNED_ENTRIES = 20_000;

  private static final int PAGE = 1_000;

  private final MeterRegistry meters;
  private final Optional<Ledger> ledger;
  private final Optional<SyncService> sync;
  private TrafficSamples traffic;

  /**
   * The API over the gateway's {@code meters}, its {@code ledger} (empty for a gateway that does
   * not record) and its MQTT link (empty when {@code sync} is off).
   */
  public DashboardApi(MeterRegistry meters, Optional<Ledger> ledger, Optional<SyncService> sync) {
    this.meters = meters;
    this.ledger = ledger;
    this.sync = sync;
  }

  void mount(Vertx vertx, Router router, WorkerExecutor worker) {
    traffic = new TrafficSamples(meters, Instant.now());
    vertx.setPeriodic(TrafficSamples.PERIOD.toMillis(), id -> traffic.sample(Instant.now()));
    // Everything here is read by a viewer; the role is checked before anything else is looked at.
    for (String path : List.of("/admin/v1/traffic", "/admin/v1/ledger", "/admin/v1/events")) {
      router
          .get(path)
          .handler(
              ctx -> {
                if (Operators.authorize(ctx, Role.VIEWER).isPresent()) {
                  ctx.next();
                }
              });
    }
    router.get("/admin/v1/traffic").handler(ctx -> AdminJson.answer(ctx, 200, traffic.toJson()));
    router.get("/admin/v1/ledger").handler(ctx -> read(ctx, worker, this::ledgerStatus));
    router.get("/admin/v1/events").handler(ctx -> events(ctx, worker));
  }

  private static void read(RoutingContext ctx, WorkerExecutor worker, Callable<JsonObject> what) {
    // SQLite and file sizes: never on the event loop.
    worker
        .executeBlocking(what, false)
        .onSuccess(body -> AdminJson.answer(ctx, 200, body))
        .onFailure(e -> AdminJson.error(ctx, 500, e.getMessage()));
  }

  private void events(RoutingContext ctx, WorkerExecutor worker) {
    String asked = ctx.request().getParam("limit", Integer.toString(DEFAULT_EVENTS));
    int limit;
    try {
      limit = Integer.parseInt(asked);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_EVENTS) {
      AdminJson.error(ctx, 400, "limit must be from 1 to " + MAX_EVENTS + ", got '" + asked + "'");
      return;
    }
    Set<String> excluded = Set.copyOf(ctx.queryParam("exclude"));
    int wanted = limit;
    read(ctx, worker, () -> recentEvents(wanted, excluded));
  }

  private JsonObject ledgerStatus() {
    JsonObject out = new JsonObject();
    if (ledger.isEmpty()) {
      return out.put("recording", false).putNull("checkpoint").put("manufacturer", link());
    }
    Ledger l = ledger.get();
    Path db = l.options().database();
    Optional<Checkpoint> latest = l.latestCheckpoint();
    out.put("recording", l.healthy())
        .put("entries", l.size())
        .put("database", db.toString())
        .put("database_bytes", sizeOf(db) + sizeOf(Path.of(db + "-wal")))
        .put(
            "checkpoint",
            latest
                .map(
                    c ->
                        new JsonObject()
                            .put("origin", c.origin())
                            .put("size", c.size())
                            .put("root_hash", c.root().hex()))
                .orElse(null));
    JsonObject manufacturer = link();
    sync.flatMap(SyncService::lastCheckpoint)
        .ifPresent(
            d ->
                manufacturer
                    .put("summary_seq", d.summarySeq())
                    .put("acknowledged", d.acknowledged())
                    .put(
                        "latest_checkpoint_sent",
                        latest.map(c -> c.note().equals(d.note())).orElse(false)));
    return out.put("manufacturer", manufacturer);
  }

  private JsonObject link() {
    if (sync.isEmpty()) {
      return new JsonObject().put("link", "off");
    }
    return new JsonObject()
        .put("link", sync.get().linkUp() ? "up" : "down")
        .put("acknowledged", false)
        .put("latest_checkpoint_sent", false);
  }

  private JsonObject recentEvents(int limit, Set<String> excluded) {
    JsonArray events = new JsonArray();
    if (ledger.isPresent()) {
      try (LedgerReader reader = ledger.get().openReader()) {
        long end = reader.size();
        long floor = Math.max(0, end - MAX_SCANNED_ENTRIES);
        while (end > floor && events.size() < limit) {
          long from = Math.max(floor, end - PAGE);
          List<StoredEntry> page = new ArrayList<>(reader.entries(from, end));
          Collections.reverse(page);
          for (StoredEntry e : page) {
            if (e.entry() instanceof EventEntry event
                && !excluded.contains(event.type())
                && events.size() < limit) {
              events.add(
                  new JsonObject()
                      .put("seq", e.seq())
                      .put("time", e.time().toString())
                      .put("type", event.type())
                      .put("actor", event.actor())
                      .put("details", new JsonObject(event.details())));
            }
          }
          end = from;
        }
      }
    }
    return new JsonObject().put("events", events);
  }

  /** The file's size; 0 when it is not there (no WAL between checkpoints, say). */
  private static long sizeOf(Path file) {
    return file.toFile().length();
  }
}
