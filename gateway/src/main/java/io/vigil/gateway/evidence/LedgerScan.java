package io.vigil.gateway.evidence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.evidence.Facts.Activation;
import io.vigil.gateway.evidence.Facts.Count;
import io.vigil.gateway.evidence.Facts.Daily;
import io.vigil.gateway.evidence.Facts.Decision;
import io.vigil.gateway.evidence.Facts.Installed;
import io.vigil.gateway.evidence.Facts.Rollback;
import io.vigil.gateway.evidence.Facts.SafetyEvent;
import io.vigil.gateway.evidence.Facts.SignedCheckpoint;
import io.vigil.gateway.evidence.Facts.Window;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One pass over a verified ledger that gathers what it says about one model: each version's
 * install, decisions and active periods, the predictions, windows, safety changes and rollbacks in
 * the period, the checkpoints that cover it and the entries of the asked request ids.
 */
final class LedgerScan {

  private static final int PAGE = 2048;

  /** What the ledger holds about one version, before its bundle and TUF metadata are added. */
  static final class VersionRecord {
    final String version;
    long release;
    String bundleSha256 = "";
    final List<Activation> active = new ArrayList<>();
    Optional<Installed> installed = Optional.empty();
    final List<Decision> decisions = new ArrayList<>();
    boolean inPeriod;

    VersionRecord(String version) {
      this.version = version;
    }
  }

  final Map<String, VersionRecord> versions = new LinkedHashMap<>();
  final List<Count> counts = new ArrayList<>();
  final List<Daily> daily = new ArrayList<>();
  final List<Window> windows = new ArrayList<>();
  final List<SafetyEvent> safetyEvents = new ArrayList<>();
  final List<Rollback> rollbacks = new ArrayList<>();
  final List<SignedCheckpoint> checkpoints = new ArrayList<>();

  /** The sequence numbers of the model's predictions with each asked request id. */
  final Map<String, List<Long>> requests = new LinkedHashMap<>();

  private final String model;
  private final Instant from;
  private final Instant to;
  private final Map<String, Map<String, Long>> countsByVersion = new TreeMap<>();
  private final Map<LocalDate, Map<String, Long>> perDay = new TreeMap<>();
  private String activeVersion;
  private Instant activeSince;
  private String activeHow;

  private LedgerScan(String model, Instant from, Instant to, List<String> requestIds) {
    this.model = model;
    this.from = from;
    this.to = to;
    requestIds.forEach(id -> requests.put(id, new ArrayList<>()));
  }

  /**
   * Reads the first {@code size} entries of {@code reader}, a ledger already verified to that size.
   */
  static LedgerScan run(
      LedgerReader reader,
      long size,
      String model,
      Instant from,
      Instant to,
      List<String> requestIds) {
    LedgerScan scan = new LedgerScan(model, from, to, requestIds);
    List<Checkpoint> stored = reader.checkpoints();
    Set<Long> lastSeqs = new java.util.HashSet<>();
    stored.forEach(c -> lastSeqs.add(c.size() - 1));
    Map<Long, Instant> lastTimes = new HashMap<>();
    long firstInPeriod = -1;
    long lastInPeriod = -1;
    for (long page = 0; page < size; page += PAGE) {
      for (StoredEntry e : reader.entries(page, Math.min(size, page + PAGE))) {
        if (lastSeqs.contains(e.seq())) {
          lastTimes.put(e.seq(), e.time());
        }
        boolean inPeriod = scan.inPeriod(e.time());
        if (inPeriod) {
          firstInPeriod = firstInPeriod < 0 ? e.seq() : firstInPeriod;
          lastInPeriod = e.seq();
        }
        if (e.entry() instanceof PredictionEntry p && p.modelId().equals(model)) {
          scan.prediction(e, p, inPeriod);
        } else if (e.entry() instanceof EventEntry ev) {
          JsonObject d = new JsonObject(ev.details());
          if (model.equals(d.getString("model_id"))) {
            scan.event(e, ev, d, inPeriod);
          }
        }
      }
    }
    scan.finish();
    long previous = 0;
    for (Checkpoint c : stored) {
      boolean covers = firstInPeriod >= 0 && previous <= lastInPeriod && c.size() > firstInPeriod;
      boolean latest = c == stored.get(stored.size() - 1);
      if ((covers || latest) && c.size() > 0 && c.size() <= size) {
        scan.checkpoints.add(
            new SignedCheckpoint(
                c.size(),
                c.root().base64(),
                c.root().hex(),
                c.note(),
                previous,
                Optional.ofNullable(lastTimes.get(c.size() - 1))));
      }
      previous = c.size();
    }
    return scan;
  }

  private boolean inPeriod(Instant t) {
    return !t.isBefore(from) && t.isBefore(to);
  }

  private VersionRecord version(String version) {
    return versions.computeIfAbsent(version, VersionRecord::new);
  }

  private void prediction(StoredEntry e, PredictionEntry p, boolean inPeriod) {
    VersionRecord v = version(p.modelVersion());
    v.bundleSha256 = p.bundleSha256();
    List<Long> asked = requests.get(p.requestId());
    if (asked != null) {
      asked.add(e.seq());
    }
    if (!inPeriod) {
      return;
    }
    v.inPeriod = true;
    countsByVersion
        .computeIfAbsent(p.modelVersion(), k -> new TreeMap<>())
        .merge(p.safetyState(), 1L, Long::sum);
    perDay
        .computeIfAbsent(LocalDate.ofInstant(e.time(), ZoneOffset.UTC), k -> new TreeMap<>())
        .merge(p.modelVersion(), 1L, Long::sum);
  }

  private void event(StoredEntry e, EventEntry ev, JsonObject d, boolean inPeriod) {
    Instant t = e.time();
    String version = d.getString("version");
    switch (ev.type()) {
      case "bundle.installed" -> {
        VersionRecord v = version(version);
        v.release = d.getLong("release", 0L);
        v.bundleSha256 = d.getString("bundle_sha256", v.bundleSha256);
        Map<String, Object> approval = new TreeMap<>(d.getMap());
        List.of("model_id", "version", "release", "bundle_sha256", "demo")
            .forEach(approval::remove);
        v.installed = Optional.of(new Installed(t, e.seq(), ev.actor(), approval));
        v.inPeriod |= inPeriod;
      }
      case "bundle.activated" -> {
        VersionRecord v = version(version);
        v.release = d.getLong("release", v.release);
        v.bundleSha256 = d.getString("bundle_sha256", v.bundleSha256);
        if (d.getBoolean("active", false)) {
          activate(version, t, "activated");
        }
      }
      case "update.promoted" -> {
        decision(e, ev, d, inPeriod);
        activate(version, t, "promoted by " + ev.actor());
      }
      case "model.rolled_back" -> {
        String target = d.getString("to_version");
        if (inPeriod) {
          rollbacks.add(
              new Rollback(
                  t,
                  e.seq(),
                  d.getString("from_version"),
                  target,
                  ev.actor(),
                  d.getString("reason", "")));
          version(d.getString("from_version")).inPeriod = true;
        }
        activate(target, t, "rolled back to by " + ev.actor());
      }
      case "monitoring.window" -> {
        if (inPeriod) {
          windows.add(window(e, d));
          version(version).inPeriod = true;
        }
      }
      case "safety.changed" -> {
        if (inPeriod) {
          safetyEvents.add(
              new SafetyEvent(
                  t,
                  e.seq(),
                  version,
                  d.getString("from"),
                  d.getString("to"),
                  ev.actor(),
                  strings(d.getJsonArray("reasons"))));
          version(version).inPeriod = true;
        }
      }
      default -> {
        if (ev.type().startsWith("update.") && version != null) {
          decision(e, ev, d, inPeriod);
        }
      }
    }
  }

  private void decision(StoredEntry e, EventEntry ev, JsonObject d, boolean inPeriod) {
    VersionRecord v = version(d.getString("version"));
    v.inPeriod |= inPeriod;
    Object reason = d.getValue("reason");
    v.decisions.add(
        new Decision(
            e.time(), e.seq(), ev.type(), ev.actor(), reason == null ? "" : reason.toString()));
  }

  private void activate(String version, Instant t, String how) {
    if (version.equals(activeVersion)) {
      return;
    }
    close(t);
    activeVersion = version;
    activeSince = t;
    activeHow = how;
  }

  private void close(Instant end) {
    if (activeVersion == null) {
      return;
    }
    boolean overlaps = activeSince.isBefore(to) && (end == null || end.isAfter(from));
    if (overlaps) {
      VersionRecord v = version(activeVersion);
      v.inPeriod = true;
      Instant start = activeSince.isBefore(from) ? from : activeSince;
      Optional<Instant> stop =
          end == null ? Optional.empty() : Optional.of(end.isAfter(to) ? to : end);
      v.active.add(new Activation(start, stop, activeHow));
    }
  }

  private void finish() {
    close(null);
    countsByVersion.forEach(
        (version, bySafety) ->
            bySafety.forEach((safety, n) -> counts.add(new Count(version, safety, n))));
    perDay.forEach(
        (day, byVersion) -> byVersion.forEach((v, n) -> daily.add(new Daily(day, v, n))));
  }

  private static Window window(StoredEntry e, JsonObject d) {
    Map<String, Double> drifting = new TreeMap<>();
    JsonArray list = d.getJsonArray("drifting", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject f = list.getJsonObject(i);
      drifting.put(f.getString("feature"), number(f, "psi"));
    }
    JsonArray limits = d.getJsonArray("positive_limits", new JsonArray());
    return new Window(
        e.time(),
        e.seq(),
        d.getString("version"),
        d.getLong("window", 0L),
        d.getLong("rows", 0L),
        d.getString("level", ""),
        number(d, "positive_rate"),
        limits.size() == 2 ? limits.getDouble(0) : Double.NaN,
        limits.size() == 2 ? limits.getDouble(1) : Double.NaN,
        number(d, "score_psi"),
        drifting,
        strings(d.getJsonArray("reasons")));
  }

  private static double number(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(String.valueOf(a.getValue(i)));
      }
    }
    return out;
  }
}
