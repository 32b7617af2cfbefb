package io.vigil.gateway.evidence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.evidence.Facts.SignedCheckpoint;
import io.vigil.gateway.evidence.Facts.Version;
import java.time.Instant;
import java.util.Optional;

/** The report's facts in JSON ({@code report.json}), for a program to read what the page says. */
final class JsonReport {

  private JsonReport() {}

  /** The facts as one pretty-printed JSON object. */
  static String render(Facts f) {
    JsonObject v =
        new JsonObject()
            .put("verified", true)
            .put("entries", f.verification().entries())
            .put("checkpoints_checked", f.verification().checkpoints())
            .put("segments", f.verification().segments())
            .put("checkpoint", checkpoint(f.verification().latest()))
            .put("key_name", f.verification().keyName())
            .put("key_id", f.verification().keyId())
            .put("verifier_key", f.verification().verifierKey())
            .put("verified_at", f.verification().verifiedAt().toString());
    JsonObject root =
        new JsonObject()
            .put("model", f.model())
            .put("from", f.from().toString())
            .put("to", f.to().toString())
            .put("generated", f.generated().toString())
            .put("vigil_version", f.gatewayVersion())
            .put("ledger", v)
            .put("predictions", f.predictions());
    JsonArray versions = new JsonArray();
    for (Version version : f.versions()) {
      versions.add(version(version));
    }
    root.put("versions", versions);
    root.put("counts", array(f.counts()));
    root.put("daily", array(f.daily()));
    root.put("windows", array(f.windows()));
    root.put("safety_events", array(f.safetyEvents()));
    root.put("rollbacks", array(f.rollbacks()));
    JsonArray checkpoints = new JsonArray();
    f.checkpoints().forEach(c -> checkpoints.add(checkpoint(c)));
    root.put("checkpoints", checkpoints);
    JsonArray proofs = new JsonArray();
    f.proofs()
        .forEach(
            p ->
                proofs.add(
                    new JsonObject()
                        .put("request_id", p.requestId())
                        .put("seq", p.seq())
                        .put("time", p.time().toString())
                        .put("version", p.version())
                        .put("input_stored", p.inputStored())
                        .put("leaf_hash", p.leafHashHex())
                        .put("tree_size", p.treeSize())
                        .put("path", new JsonArray(p.pathHex()))
                        .put("checkpoint", p.checkpointNote())
                        .put("proof", new JsonObject(p.proofJson()))));
    root.put("proofs", proofs);
    return root.encodePrettily() + "\n";
  }

  private static JsonObject version(Version v) {
    JsonObject o =
        new JsonObject()
            .put("version", v.version())
            .put("release", v.release())
            .put("bundle_sha256", v.bundleSha256())
            .put("active", array(v.active()))
            .put("decisions", array(v.decisions()))
            .put("notes", new JsonArray(v.notes()));
    v.installed().ifPresent(i -> o.put("installed", value(i)));
    v.tuf().ifPresent(t -> o.put("tuf", value(t)));
    v.qualification().ifPresent(q -> o.put("qualification", value(q)));
    return o;
  }

  private static JsonObject checkpoint(SignedCheckpoint c) {
    return new JsonObject()
        .put("size", c.size())
        .put("root", c.rootBase64())
        .put("root_hex", c.rootHex())
        .put("first_seq", c.firstSeq())
        .put("last_entry_time", c.lastEntryTime().map(Instant::toString).orElse(null))
        .put("note", c.note());
  }

  private static JsonArray array(java.util.List<? extends Record> records) {
    JsonArray a = new JsonArray();
    records.forEach(r -> a.add(value(r)));
    return a;
  }

  /** A record as a JSON object of its components, in snake case; instants and dates as text. */
  private static Object value(Object o) {
    if (o instanceof Record r) {
      JsonObject out = new JsonObject();
      for (var c : r.getClass().getRecordComponents()) {
        try {
          out.put(snake(c.getName()), value(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
        }
      }
      return out;
    }
    if (o instanceof Optional<?> opt) {
      return opt.map(JsonReport::value).orElse(null);
    }
    if (o instanceof java.util.List<?> list) {
      JsonArray a = new JsonArray();
      list.forEach(x -> a.add(value(x)));
      return a;
    }
    if (o instanceof java.util.Map<?, ?> map) {
      JsonObject m = new JsonObject();
      new java.util.TreeMap<>(map).forEach((k, x) -> m.put(k.toString(), value(x)));
      return m;
    }
    if (o instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return null;
    }
    if (o instanceof Instant || o instanceof java.time.LocalDate) {
      return o.toString();
    }
    return o;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
