package io.vigil.sync.message;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Decimals;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;

/**
 * The canonical JSON of summaries and events: OLPC canonical JSON (what TUF signs), with every
 * floating-point value written as a string holding its shortest round-trip decimal, since canonical
 * JSON has integers only.
 */
public final class MessageJson {

  private MessageJson() {}

  /** The summary's canonical bytes. */
  public static byte[] summary(Summary s) {
    ObjectNode n = Json.object();
    n.put("period_start", s.periodStart().toString());
    n.put("period_end", s.periodEnd().toString());
    n.put("counters_since", s.countersSince().toString());
    n.put("software_version", s.softwareVersion());
    ArrayNode models = n.putArray("models");
    for (ModelStats m : s.models()) {
      ObjectNode o = model(models.addObject(), m.model());
      o.put("requests", m.requests());
      o.put("errors", m.errors());
      ObjectNode byStatus = o.putObject("by_status");
      m.byStatus().forEach((status, count) -> byStatus.put(Integer.toString(status), count));
      o.putObject("latency_micros")
          .put("p50", m.latency().p50Micros())
          .put("p90", m.latency().p90Micros())
          .put("p99", m.latency().p99Micros())
          .put("max", m.latency().maxMicros());
    }
    ArrayNode windows = n.putArray("windows");
    for (DriftWindow w : s.windows()) {
      ObjectNode o = model(windows.addObject(), w.model());
      o.put("index", w.index());
      o.put("opened", w.opened().toString());
      o.put("closed", w.closed().toString());
      o.put("rows", w.rows());
      o.put("missing_rows", w.missingRows());
      o.put("verdict", w.verdict());
      o.put("level", w.level().jsonName());
      o.put("positive_rate", decimal(w.positiveRate()));
      o.put("reference_positive_rate", decimal(w.referencePositiveRate()));
      o.put("positive_lower", decimal(w.positiveLower()));
      o.put("positive_upper", decimal(w.positiveUpper()));
      o.put("cusum_up", decimal(w.cusumUp()));
      o.put("cusum_down", decimal(w.cusumDown()));
      feature(o.putObject("score"), w.score());
      ArrayNode features = o.putArray("features");
      w.features().forEach(f -> feature(features.addObject(), f));
    }
    ArrayNode changes = n.putArray("safety_changes");
    for (SafetyChange c : s.safetyChanges()) {
      model(changes.addObject(), c.model())
          .put("from", c.from().jsonName())
          .put("to", c.to().jsonName())
          .put("at", c.at().toString())
          .put("reason", c.reason());
    }
    ArrayNode inventory = n.putArray("inventory");
    for (InventoryItem i : s.inventory()) {
      model(inventory.addObject(), i.model())
          .put("bundle_sha256", i.bundleSha256())
          .put("level", i.level().jsonName())
          .put("active", i.active());
    }
    // Only when there are outcomes, so that a summary without them keeps its earlier form.
    if (!s.outcomes().isEmpty()) {
      ArrayNode outcomes = n.putArray("outcomes");
      for (OutcomeCounts c : s.outcomes()) {
        ObjectNode o = model(outcomes.addObject(), c.model()).put("subgroup", c.subgroup());
        cells(o.putObject("since_activation"), c.sinceActivation());
        cells(o.putObject("window"), c.window());
        o.put("window_outcomes", c.windowOutcomes());
        o.put("mean_delay_ms", c.meanDelayMillis());
      }
    }
    s.checkpoint().ifPresent(c -> n.put("ledger_checkpoint", c.note()));
    s.consistency()
        .ifPresent(
            c -> {
              // The audit module's ConsistencyProof JSON, so the receiver reads it with fromJson.
              ObjectNode o = n.putObject("ledger_consistency");
              o.put("new_size", c.newSize());
              o.put("old_size", c.oldSize());
              ArrayNode path = o.putArray("path");
              c.path().forEach(path::add);
            });
    return CanonicalJson.bytes(n);
  }

  /**
   * The event's canonical bytes; a {@code command_refused} event is {@code {at, code, command,
   * kind}}.
   */
  public static byte[] event(Event e) {
    if (e.kind() == EventKind.COMMAND_REFUSED) {
      ObjectNode n = Json.object();
      n.put("at", e.at().toString());
      n.put("kind", e.kind().jsonName());
      n.put("command", e.reason());
      n.put("code", e.check().orElseThrow());
      return CanonicalJson.bytes(n);
    }
    ObjectNode n = model(Json.object(), e.model());
    n.put("at", e.at().toString());
    n.put("kind", e.kind().jsonName());
    n.put("level", e.level().jsonName());
    n.put("reason", e.reason());
    e.check().ifPresent(c -> n.put("check", c));
    return CanonicalJson.bytes(n);
  }

  private static ObjectNode model(ObjectNode o, ModelRef m) {
    return o.put("model", m.model()).put("version", m.version());
  }

  private static void cells(ObjectNode o, OutcomeCounts.Cells c) {
    o.put("tp", c.tp()).put("fp", c.fp()).put("tn", c.tn()).put("fn", c.fn());
  }

  private static void feature(ObjectNode o, FeatureDrift f) {
    o.put("name", f.name());
    o.put("psi", decimal(f.psi()));
    o.put("psi_noise", decimal(f.psiNoise()));
    o.put("ks_delta", decimal(f.ksDelta()));
    o.put("ks_threshold", decimal(f.ksThreshold()));
    o.put("out_of_distribution_rate", decimal(f.outOfDistributionRate()));
    o.put("out_of_range_rate", decimal(f.outOfRangeRate()));
    o.put("drifts", f.drifts());
  }

  private static String decimal(double v) {
    return Decimals.json(v);
  }
}
