package io.vigil.gateway.evidence;

import io.vigil.gateway.evidence.Facts.Activation;
import io.vigil.gateway.evidence.Facts.Count;
import io.vigil.gateway.evidence.Facts.Decision;
import io.vigil.gateway.evidence.Facts.Metric;
import io.vigil.gateway.evidence.Facts.Qualification;
import io.vigil.gateway.evidence.Facts.TufTarget;
import io.vigil.gateway.evidence.Facts.Verification;
import io.vigil.gateway.evidence.Facts.Version;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external URL,
 * printable (A4, a page break before each section); its first page says that the ledger was
 * verified and sums up the period.
 */
final class HtmlReport {

  private static final String CSS =
      """
      body { font-family: sans-serif; font-size: 13px; color: #222; max-width: 960px;
             margin: 24px auto; line-height: 1.4; }
      h1 { font-size: 22px; margin-bottom: 4px; }
      h2 { font-size: 17px; border-bottom: 1px solid #999; margin-top: 28px; }
      h3 { font-size: 14px; }
      table { border-collapse: collapse; margin: 6px 0 12px; }
      th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: left; vertical-align: top; }
      th { background: #eee; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      .verified { border: 2px solid #2ca02c; background: #eef8ee; padding: 8px 12px; }
      .summary td:first-child { font-weight: bold; }
      .level-warn { background: #fff3c4; } .level-alert { background: #ffd8b0; }
      .level-suspend { background: #f7b6b6; }
      code, pre { font-family: monospace; font-size: 11px; }
      pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; padding: 6px; }
      figure { margin: 8px 0 16px; } figcaption { font-size: 12px; color: #444; }
      details summary { cursor: pointer; color: #444; }
      @page { size: A4; margin: 14mm; }
      @media print {
        body { margin: 0; max-width: none; }
        section { break-before: page; }
        details > * { display: block; }
        figure, table, pre { break-inside: avoid; }
      }
      """;

  private HtmlReport() {}

  /** The page for these facts. */
  static String render(Facts f) {
    StringBuilder out = new StringBuilder(64 * 1024);
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(Html.escape("Vigil evidence report: " + f.model()))
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style></head><body>\n");
    firstPage(out, f);
    versions(out, f);
    qualification(out, f);
    predictions(out, f);
    HtmlRecords.drift(out, f);
    HtmlRecords.rollbacks(out, f);
    HtmlRecords.checkpoints(out, f);
    HtmlRecords.proofs(out, f);
    out.append("</body></html>\n");
    return out.toString();
  }

  private static void firstPage(StringBuilder out, Facts f) {
    Verification v = f.verification();
    out.append("<h1>Evidence report: ")
        .append(Html.escape(f.model()))
        .append("</h1>\n<p>Period ")
        .append(Html.time(f.from()))
        .append(" to ")
        .append(Html.time(f.to()))
        .append(" (UTC, end excluded). Written ")
        .append(Html.time(f.generated()))
        .append(" by vigil ")
        .append(Html.escape(f.gatewayVersion()))
        .append(" from the data of gateway <code>")
        .append(Html.escape(v.keyName()))
        .append("</code>.</p>\n");
    out.append("<div class=\"verified\"><strong>The ledger was verified before this report was")
        .append(" written.</strong> All ")
        .append(v.entries())
        .append(" entries were read and hashed again, the Merkle tree recomputed and found equal")
        .append(" to the latest signed checkpoint (tree size ")
        .append(v.latest().size())
        .append(", root <code>")
        .append(Html.escape(v.latest().rootBase64()))
        .append("</code>), and the signatures of ")
        .append(v.checkpoints())
        .append(" checkpoints checked with the gateway's identity key <code>")
        .append(Html.escape(v.keyName()))
        .append("</code>, key id <code>")
        .append(Html.escape(v.keyId()))
        .append("</code>");
    if (v.segments() > 0) {
      out.append(", with ").append(v.segments()).append(" archive segments");
    }
    out.append(", at ")
        .append(Html.time(v.verifiedAt()))
        .append(". Nothing in it was found altered, removed or out of order. Section")
        .append(" \"Signed checkpoints\" says how to check this yourself.</div>\n");

    long suspensions = f.safetyEvents().stream().filter(e -> e.to().equals("suspend")).count();
    long resumes = f.safetyEvents().stream().filter(e -> e.from().equals("suspend")).count();
    out.append("<h2>In this period</h2>\n<table class=\"summary\">\n");
    Html.row(
        out, "Versions", String.join(", ", f.versions().stream().map(Version::version).toList()));
    Html.row(out, "Predictions recorded", Long.toString(f.predictions()));
    Html.row(
        out,
        "Monitoring windows",
        f.windows().size()
            + " (warn "
            + level(f, "warn")
            + ", alert "
            + level(f, "alert")
            + ", suspend "
            + level(f, "suspend")
            + ")");
    Html.row(
        out,
        "Safety changes",
        f.safetyEvents().size()
            + " (to suspend: "
            + suspensions
            + ", resumed from a suspension: "
            + resumes
            + ")");
    Html.row(out, "Rollbacks", Integer.toString(f.rollbacks().size()));
    Html.row(out, "Signed checkpoints covering it", Integer.toString(f.checkpoints().size()));
    Html.row(out, "Predictions proved", Integer.toString(f.proofs().size()));
    out.append("</table>\n");
    if (!f.windows().isEmpty()) {
      HtmlPlots.positiveRatePlot(out, f);
    }
  }

  private static long level(Facts f, String level) {
    return f.windows().stream().filter(w -> w.level().equals(level)).count();
  }

  private static void versions(StringBuilder out, Facts f) {
    out.append("<section><h2>Versions, activations and approvals</h2>\n");
    for (Version v : f.versions()) {
      out.append("<h3>")
          .append(Html.escape(f.model() + " " + v.version()))
          .append(" (release ")
          .append(v.release())
          .append(")</h3>\n<p>Bundle sha256 <code>")
          .append(Html.escape(v.bundleSha256()))
          .append("</code></p>\n");
      out.append("<table><tr><th>active from</th><th>until</th><th>how</th></tr>\n");
      if (v.active().isEmpty()) {
        out.append("<tr><td colspan=\"3\">not the active version in this period</td></tr>\n");
      }
      for (Activation a : v.active()) {
        out.append("<tr><td>")
            .append(Html.time(a.start()))
            .append("</td><td>")
            .append(a.end().map(Html::time).orElse("still active"))
            .append("</td><td>")
            .append(Html.escape(a.how()))
            .append("</td></tr>\n");
      }
      out.append("</table>\n<p><strong>Approval chain.</strong> ");
      if (v.tuf().isPresent()) {
        TufTarget t = v.tuf().get();
        out.append("The manufacturer's TUF repository <code>")
            .append(Html.escape(t.repository()))
            .append("</code> approves the target <code>")
            .append(Html.escape(t.target()))
            .append("</code> (")
            .append(t.length())
            .append(" bytes, sha256 <code>")
            .append(Html.escape(t.sha256()))
            .append("</code>) in the targets metadata this gateway trusts now, version ")
            .append(t.targetsVersion())
            .append(", which expires ")
            .append(Html.time(t.expires()))
            .append(", signed by the targets key(s) <code>")
            .append(Html.escape(String.join(", ", t.signers())))
            .append("</code> (threshold ")
            .append(t.threshold())
            .append(
                ", each signature checked against the trusted root). Signed custom fields: <code>")
            .append(Html.escape(t.custom()))
            .append("</code>. ");
      }
      if (v.installed().isPresent()) {
        Facts.Installed i = v.installed().get();
        out.append("The gateway installed it at ")
            .append(Html.time(i.time()))
            .append(" (ledger entry ")
            .append(i.seq())
            .append(", actor <code>")
            .append(Html.escape(i.actor()))
            .append("</code>) with the approval <code>")
            .append(Html.escape(i.approval().toString()))
            .append("</code>.");
      } else {
        out.append("The ledger holds no install event for it.");
      }
      out.append("</p>\n");
      if (!v.decisions().isEmpty()) {
        out.append("<table><tr><th>time</th><th>entry</th><th>decision</th><th>by</th>")
            .append("<th>reason</th></tr>\n");
        for (Decision d : v.decisions()) {
          out.append("<tr><td>")
              .append(Html.time(d.time()))
              .append("</td><td class=\"n\">")
              .append(d.seq())
              .append("</td><td>")
              .append(Html.escape(d.type()))
              .append("</td><td>")
              .append(Html.escape(d.actor()))
              .append("</td><td>")
              .append(Html.escape(d.reason()))
              .append("</td></tr>\n");
        }
        out.append("</table>\n");
      }
      for (String note : v.notes()) {
        out.append("<p>Note: ").append(Html.escape(note)).append("</p>\n");
      }
    }
    out.append("</section>\n");
  }

  private static void qualification(StringBuilder out, Facts f) {
    out.append("<section><h2>Qualification evidence</h2>\n")
        .append("<p>From each bundle's manifest and <code>evidence/</code> folder, as the")
        .append(
            " manufacturer certified them; the bundle's digest was checked when it was read.</p>\n");
    for (Version v : f.versions()) {
      out.append("<h3>").append(Html.escape(v.version())).append("</h3>\n");
      if (v.qualification().isEmpty()) {
        out.append("<p>No bundle to read.</p>\n");
        continue;
      }
      Qualification q = v.qualification().get();
      out.append("<p>Dataset: ").append(Html.escape(q.dataset())).append("</p>\n");
      out.append("<table><tr><th>metric</th><th>subgroup</th><th>value</th><th>95% interval</th>")
          .append("<th>PCCP floor</th></tr>\n");
      for (Metric m : q.metrics()) {
        out.append("<tr><td>")
            .append(Html.escape(m.name()))
            .append("</td><td>")
            .append(Html.escape(m.subgroup()))
            .append("</td><td class=\"n\">")
            .append(Html.num(m.value()))
            .append("</td><td class=\"n\">")
            .append(Html.num(m.ciLow()))
            .append(" – ")
            .append(Html.num(m.ciHigh()))
            .append("</td><td class=\"n\">")
            .append(Html.num(m.floor()))
            .append("</td></tr>\n");
      }
      out.append("</table>\n");
      if (!q.confusion().isEmpty()) {
        out.append("<table><tr><th>confusion matrix (evidence.json)</th><th>count</th></tr>\n");
        q.confusion().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .forEach(
                e ->
                    out.append("<tr><td>")
                        .append(Html.escape(e.getKey()))
                        .append("</td><td class=\"n\">")
                        .append(Html.escape(e.getValue()))
                        .append("</td></tr>\n"));
        out.append("</table>\n");
      }
      out.append("<p>Golden vectors: ")
          .append(q.goldenVectors())
          .append(" (tolerance ")
          .append(Html.num(q.goldenTolerance()))
          .append("), re-run by the gateway before the version answered.</p>\n");
      out.append("<table><tr><th>evidence file</th><th>sha256</th></tr>\n");
      q.evidenceFiles().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  out.append("<tr><td>")
                      .append(Html.escape(e.getKey()))
                      .append("</td><td><code>")
                      .append(Html.escape(e.getValue()))
                      .append("</code></td></tr>\n"));
      out.append("</table>\n");
    }
    out.append("</section>\n");
  }

  private static void predictions(StringBuilder out, Facts f) {
    out.append("<section><h2>Predictions</h2>\n")
        .append("<table><tr><th>version</th><th>safety state when answered</th>")
        .append("<th>predictions</th></tr>\n");
    for (Count c : f.counts()) {
      out.append("<tr><td>")
          .append(Html.escape(c.version()))
          .append("</td><td>")
          .append(Html.escape(c.safety()))
          .append("</td><td class=\"n\">")
          .append(c.count())
          .append("</td></tr>\n");
    }
    out.append("<tr><th colspan=\"2\">total</th><td class=\"n\">")
        .append(f.predictions())
        .append("</td></tr></table>\n");
    out.append("<p>Each prediction's entry holds its time, request id, device identity, model id,")
        .append(" version and bundle sha256, the sha256 of its input (and the input itself where")
        .append(" the site stores inputs), the outputs, the latency and the safety state. Requests")
        .append(
            " refused while the model was suspended were answered 503 and are not predictions.</p>\n");
    HtmlPlots.perDay(out, f);
    out.append("</section>\n");
  }
}
