package io.vigil.gateway.doctor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * What {@code vigil doctor} found, one {@link Finding} a line, as a person reads it or as JSON.
 *
 * @param findings every check's findings, in the order they ran
 */
public record Report(List<Finding> findings) {

  public Report {
    findings = List.copyOf(findings);
  }

  /** Whether any finding is a {@code FAIL}: the command then exits 1. */
  public boolean failed() {
    return count(Finding.Status.FAIL) > 0;
  }

  /** One line a finding, its fix after {@code ->}, then the counts. */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append(
          String.format(Locale.ROOT, "%-4s  %-8s  %s", f.status().label(), f.check(), f.subject()));
      if (!f.fix().isEmpty()) {
        out.append(" -> ").append(f.fix());
      }
      out.append('\n');
    }
    out.append(
        String.format(
            Locale.ROOT,
            "vigil doctor: %d ok, %d warn, %d FAIL%n",
            count(Finding.Status.OK),
            count(Finding.Status.WARN),
            count(Finding.Status.FAIL)));
    return out.toString();
  }

  /** The findings as one JSON object: {@code {"ok": false, "findings": [{"status": ...}]}}. */
  public String json() {
    JsonArray list = new JsonArray();
    for (Finding f : findings) {
      list.add(
          new JsonObject()
              .put("status", f.status().label())
              .put("check", f.check())
              .put("subject", f.subject())
              .put("fix", f.fix()));
    }
    return new JsonObject().put("ok", !failed()).put("findings", list).encode();
  }

  private long count(Finding.Status status) {
    return findings.stream().filter(f -> f.status() == status).count();
  }
}
