package io.vigil.gateway.evidence;

import io.vigil.gateway.evidence.Facts.Activation;
import io.vigil.gateway.evidence.Facts.Count;
import io.vigil.gateway.evidence.Facts.Daily;
import io.vigil.gateway.evidence.Facts.Decision;
import io.vigil.gateway.evidence.Facts.Metric;
import io.vigil.gateway.evidence.Facts.Proof;
import io.vigil.gateway.evidence.Facts.Qualification;
import io.vigil.gateway.evidence.Facts.Rollback;
import io.vigil.gateway.evidence.Facts.SafetyEvent;
import io.vigil.gateway.evidence.Facts.SignedCheckpoint;
import io.vigil.gateway.evidence.Facts.TufTarget;
import io.vigil.gateway.evidence.Facts.Verification;
import io.vigil.gateway.evidence.Facts.Version;
import io.vigil.gateway.evidence.Facts.Window;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external URL,
 * printable (A4, a page break before each section); its first page says that the ledger was
 * verified and sums up the period.
 */
final class HtmlReport {

  private static final String[] PALETTE = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"
  };

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

  /** The design's PSI thresholds, drawn when no bundle of the model could be read. */
  private static final double DEFAULT_PSI_WARN = 0.10;

  private static final double DEFAULT_PSI_ALERT = 0.25;

  private HtmlReport() {}

  /** The page for these facts. */
  static String render(Facts f) {
    StringBuilder out = new StringBuilder(64 * 1024);
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(escape("Vigil evidence report: " + f.model()))
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style></head><body>\n");
    firstPage(out, f);
    versions(out, f);
    qualification(out, f);
    predictions(out, f);
    drift(out, f);
    rollbacks(out, f);
    checkpoints(out, f);
    proofs(out, f);
    out.append("</body></html>\n");
    return out.toString();
  }

  private static void firstPage(StringBuilder out, Facts f) {
    Verification v = f.verification();
    out.append("<h1>Evidence report: ")
        .append(escape(f.model()))
        .append("</h1>\n<p>Period ")
        .append(time(f.from()))
        .append(" to ")
        .append(time(f.to()))
        .append(" (UTC, end excluded). Written ")
        .append(time(f.generated()))
        .append(" by vigil ")
        .append(escape(f.gatewayVersion()))
        .append(" from the data of gateway <code>")
        .append(escape(v.keyName()))
        .append("</code>.</p>\n");
    out.append("<div class=\"verified\"><strong>The ledger was verified before this report was")
        .append(" written.</strong> All ")
        .append(v.entries())
        .append(" entries were read and hashed again, the Merkle tree recomputed and found equal")
        .append(" to the latest signed checkpoint (tree size ")
        .append(v.latest().size())
        .append(", root <code>")
        .append(escape(v.latest().rootBase64()))
        .append("</code>), and the signatures of ")
        .append(v.checkpoints())
        .append(" checkpoints checked with the gateway's identity key <code>")
        .append(escape(v.keyName()))
        .append("</code>, key id <code>")
        .append(escape(v.keyId()))
        .append("</code>");
    if (v.segments() > 0) {
      out.append(", with ").append(v.segments()).append(" archive segments");
    }
    out.append(", at ")
        .append(time(v.verifiedAt()))
        .append(". Nothing in it was found altered, removed or out of order. Section")
        .append(" \"Signed checkpoints\" says how to check this yourself.</div>\n");

    long suspensions = f.safetyEvents().stream().filter(e -> e.to().equals("suspend")).count();
    long resumes = f.safetyEvents().stream().filter(e -> e.from().equals("suspend")).count();
    out.append("<h2>In this period</h2>\n<table class=\"summary\">\n");
    row(out, "Versions", String.join(", ", f.versions().stream().map(Version::version).toList()));
    row(out, "Predictions recorded", Long.toString(f.predictions()));
    row(
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
    row(
        out,
        "Safety changes",
        f.safetyEvents().size()
            + " (to suspend: "
            + suspensions
            + ", resumed from a suspension: "
            + resumes
            + ")");
    row(out, "Rollbacks", Integer.toString(f.rollbacks().size()));
    row(out, "Signed checkpoints covering it", Integer.toString(f.checkpoints().size()));
    row(out, "Predictions proved", Integer.toString(f.proofs().size()));
    out.append("</table>\n");
    if (!f.windows().isEmpty()) {
      positiveRatePlot(out, f);
    }
  }

  private static long level(Facts f, String level) {
    return f.windows().stream().filter(w -> w.level().equals(level)).count();
  }

  private static void versions(StringBuilder out, Facts f) {
    out.append("<section><h2>Versions, activations and approvals</h2>\n");
    for (Version v : f.versions()) {
      out.append("<h3>")
          .append(escape(f.model() + " " + v.version()))
          .append(" (release ")
          .append(v.release())
          .append(")</h3>\n<p>Bundle sha256 <code>")
          .append(escape(v.bundleSha256()))
          .append("</code></p>\n");
      out.append("<table><tr><th>active from</th><th>until</th><th>how</th></tr>\n");
      if (v.active().isEmpty()) {
        out.append("<tr><td colspan=\"3\">not the active version in this period</td></tr>\n");
      }
      for (Activation a : v.active()) {
        out.append("<tr><td>")
            .append(time(a.start()))
            .append("</td><td>")
            .append(a.end().map(HtmlReport::time).orElse("still active"))
            .append("</td><td>")
            .append(escape(a.how()))
            .append("</td></tr>\n");
      }
      out.append("</table>\n<p><strong>Approval chain.</strong> ");
      if (v.tuf().isPresent()) {
        TufTarget t = v.tuf().get();
        out.append("The manufacturer's TUF repository <code>")
            .append(escape(t.repository()))
            .append("</code> approves the target <code>")
            .append(escape(t.target()))
            .append("</code> (")
            .append(t.length())
            .append(" bytes, sha256 <code>")
            .append(escape(t.sha256()))
            .append("</code>) in the targets metadata this gateway trusts now, version ")
            .append(t.targetsVersion())
            .append(", which expires ")
            .append(time(t.expires()))
            .append(", signed by the targets key(s) <code>")
            .append(escape(String.join(", ", t.signers())))
            .append("</code> (threshold ")
            .append(t.threshold())
            .append(
                ", each signature checked against the trusted root). Signed custom fields: <code>")
            .append(escape(t.custom()))
            .append("</code>. ");
      }
      if (v.installed().isPresent()) {
        Facts.Installed i = v.installed().get();
        out.append("The gateway installed it at ")
            .append(time(i.time()))
            .append(" (ledger entry ")
            .append(i.seq())
            .append(", actor <code>")
            .append(escape(i.actor()))
            .append("</code>) with the approval <code>")
            .append(escape(i.approval().toString()))
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
              .append(time(d.time()))
              .append("</td><td class=\"n\">")
              .append(d.seq())
              .append("</td><td>")
              .append(escape(d.type()))
              .append("</td><td>")
              .append(escape(d.actor()))
              .append("</td><td>")
              .append(escape(d.reason()))
              .append("</td></tr>\n");
        }
        out.append("</table>\n");
      }
      for (String note : v.notes()) {
        out.append("<p>Note: ").append(escape(note)).append("</p>\n");
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
      out.append("<h3>").append(escape(v.version())).append("</h3>\n");
      if (v.qualification().isEmpty()) {
        out.append("<p>No bundle to read.</p>\n");
        continue;
      }
      Qualification q = v.qualification().get();
      out.append("<p>Dataset: ").append(escape(q.dataset())).append("</p>\n");
      out.append("<table><tr><th>metric</th><th>subgroup</th><th>value</th><th>95% interval</th>")
          .append("<th>PCCP floor</th></tr>\n");
      for (Metric m : q.metrics()) {
        out.append("<tr><td>")
            .append(escape(m.name()))
            .append("</td><td>")
            .append(escape(m.subgroup()))
            .append("</td><td class=\"n\">")
            .append(num(m.value()))
            .append("</td><td class=\"n\">")
            .append(num(m.ciLow()))
            .append(" – ")
            .append(num(m.ciHigh()))
            .append("</td><td class=\"n\">")
            .append(num(m.floor()))
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
                        .append(escape(e.getKey()))
                        .append("</td><td class=\"n\">")
                        .append(escape(e.getValue()))
                        .append("</td></tr>\n"));
        out.append("</table>\n");
      }
      out.append("<p>Golden vectors: ")
          .append(q.goldenVectors())
          .append(" (tolerance ")
          .append(num(q.goldenTolerance()))
          .append("), re-run by the gateway before the version answered.</p>\n");
      out.append("<table><tr><th>evidence file</th><th>sha256</th></tr>\n");
      q.evidenceFiles().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  out.append("<tr><td>")
                      .append(escape(e.getKey()))
                      .append("</td><td><code>")
                      .append(escape(e.getValue()))
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
          .append(escape(c.version()))
          .append("</td><td>")
          .append(escape(c.safety()))
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
    List<String> days =
        new ArrayList<>(
            new TreeSet<>(f.daily().stream().map(Daily::day).map(LocalDate::toString).toList()));
    List<String> versions = versionNames(f);
    if (!days.isEmpty()) {
      List<Svg.Series> series = new ArrayList<>();
      for (int k = 0; k < versions.size(); k++) {
        double[] values = new double[days.size()];
        for (Daily d : f.daily()) {
          if (d.version().equals(versions.get(k))) {
            values[days.indexOf(d.day().toString())] = d.count();
          }
        }
        series.add(new Svg.Series(versions.get(k), PALETTE[k % PALETTE.length], values));
      }
      figure(
          out,
          Svg.stackedBars("Predictions per day and version", "predictions", days, series),
          "Predictions per UTC day, stacked by version.");
      out.append("<details><summary>Data table</summary><table><tr><th>day</th><th>version</th>")
          .append("<th>predictions</th></tr>\n");
      for (Daily d : f.daily()) {
        out.append("<tr><td>")
            .append(d.day())
            .append("</td><td>")
            .append(escape(d.version()))
            .append("</td><td class=\"n\">")
            .append(d.count())
            .append("</td></tr>\n");
      }
      out.append("</table></details>\n");
    }
    out.append("</section>\n");
  }

  private static void drift(StringBuilder out, Facts f) {
    out.append("<section><h2>Drift windows and safety events</h2>\n");
    if (f.windows().isEmpty()) {
      out.append("<p>No monitoring window closed in this period.</p>\n");
    } else {
      psiPlot(out, f);
      out.append("<table><tr><th>closed</th><th>version</th><th>window</th><th>rows</th>")
          .append("<th>level</th><th>positive rate</th><th>99% limits</th><th>score PSI</th>")
          .append("<th>drifting features (PSI)</th><th>reasons</th></tr>\n");
      for (Window w : f.windows()) {
        StringBuilder drifting = new StringBuilder();
        w.drifting().forEach((k, p) -> drifting.append(k).append(' ').append(num(p)).append("; "));
        out.append("<tr class=\"level-")
            .append(escape(w.level()))
            .append("\"><td>")
            .append(time(w.time()))
            .append("</td><td>")
            .append(escape(w.version()))
            .append("</td><td class=\"n\">")
            .append(w.index())
            .append("</td><td class=\"n\">")
            .append(w.rows())
            .append("</td><td>")
            .append(escape(w.level()))
            .append("</td><td class=\"n\">")
            .append(num(w.positiveRate()))
            .append("</td><td class=\"n\">")
            .append(num(w.lowerLimit()))
            .append(" – ")
            .append(num(w.upperLimit()))
            .append("</td><td class=\"n\">")
            .append(num(w.scorePsi()))
            .append("</td><td>")
            .append(escape(drifting.toString().strip()))
            .append("</td><td>")
            .append(escape(String.join("; ", w.reasons())))
            .append("</td></tr>\n");
      }
      out.append("</table>\n");
    }
    out.append("<h3>Safety events</h3>\n");
    if (f.safetyEvents().isEmpty()) {
      out.append("<p>The safety level did not change in this period.</p>\n");
    } else {
      out.append("<table><tr><th>time</th><th>entry</th><th>version</th><th>from</th><th>to</th>")
          .append("<th>by</th><th>reasons</th></tr>\n");
      for (SafetyEvent e : f.safetyEvents()) {
        out.append("<tr class=\"level-")
            .append(escape(e.to()))
            .append("\"><td>")
            .append(time(e.time()))
            .append("</td><td class=\"n\">")
            .append(e.seq())
            .append("</td><td>")
            .append(escape(e.version()))
            .append("</td><td>")
            .append(escape(e.from()))
            .append("</td><td>")
            .append(escape(e.to()))
            .append("</td><td>")
            .append(escape(e.actor()))
            .append("</td><td>")
            .append(escape(String.join("; ", e.reasons())))
            .append("</td></tr>\n");
      }
      out.append("</table>\n<p>A suspended version answers 503 and tells devices to fall back to")
          .append(" the standard clinical workflow; only an approver resumes it, and the ledger")
          .append(" records who.</p>\n");
    }
    out.append("</section>\n");
  }

  private static void rollbacks(StringBuilder out, Facts f) {
    out.append("<section><h2>Rollbacks</h2>\n");
    if (f.rollbacks().isEmpty()) {
      out.append("<p>No rollback in this period.</p>\n");
    } else {
      out.append("<table><tr><th>time</th><th>entry</th><th>from</th><th>to</th><th>by</th>")
          .append("<th>reason</th></tr>\n");
      for (Rollback r : f.rollbacks()) {
        out.append("<tr><td>")
            .append(time(r.time()))
            .append("</td><td class=\"n\">")
            .append(r.seq())
            .append("</td><td>")
            .append(escape(r.fromVersion()))
            .append("</td><td>")
            .append(escape(r.toVersion()))
            .append("</td><td>")
            .append(escape(r.actor()))
            .append("</td><td>")
            .append(escape(r.reason()))
            .append("</td></tr>\n");
      }
      out.append("</table>\n");
    }
    out.append("</section>\n");
  }

  private static void checkpoints(StringBuilder out, Facts f) {
    Verification v = f.verification();
    out.append("<section><h2>Signed checkpoints</h2>\n<p>The checkpoints whose entries")
        .append(" intersect the period, and the latest. Each is a C2SP tlog-checkpoint signed")
        .append(" note (origin, tree size, base64 RFC 9162 root hash, Ed25519 signature) by the")
        .append(" gateway's verifier key <code>")
        .append(escape(v.verifierKey()))
        .append("</code>.</p>\n<table><tr><th>tree size</th><th>adds entries</th>")
        .append("<th>last entry at</th><th>root (hex)</th></tr>\n");
    for (SignedCheckpoint c : f.checkpoints()) {
      out.append("<tr><td class=\"n\">")
          .append(c.size())
          .append("</td><td class=\"n\">")
          .append(c.firstSeq())
          .append(" – ")
          .append(c.size() - 1)
          .append("</td><td>")
          .append(c.lastEntryTime().map(HtmlReport::time).orElse(""))
          .append("</td><td><code>")
          .append(escape(c.rootHex()))
          .append("</code></td></tr>\n");
    }
    out.append("</table>\n<details open><summary>The signed notes</summary>\n");
    for (SignedCheckpoint c : f.checkpoints()) {
      out.append("<pre>").append(escape(c.note())).append("</pre>\n");
    }
    out.append("</details>\n<h3>How an inspector verifies them</h3>\n<ol>\n")
        .append("<li>Obtain the gateway's verifier key independently (the manufacturer holds it;")
        .append(" on the gateway <code>vigil identity</code> prints it) and compare it with the")
        .append(" one above.</li>\n")
        .append("<li>Save a signed note above to a file and run <code>vigil audit verify")
        .append(" --checkpoint FILE --key VKEY</code> on the gateway's data: it recomputes every")
        .append(" entry and the tree, checks every stored checkpoint's signature, and that the")
        .append(" ledger still holds the saved one (not truncated, not rewritten).</li>\n")
        .append("<li>Compare with the checkpoints the manufacturer received in the gateway's")
        .append(" summaries: <code>vigil audit consistency OLD NEW</code> prints the RFC 9162")
        .append(" consistency proof between two tree sizes, and <code>vigil audit")
        .append(" check-consistency PROOF --old A --new B --key VKEY</code> checks it without the")
        .append(" database.</li>\n")
        .append("<li>For a single prediction, <code>vigil audit check-proof FILE --key VKEY</code>")
        .append(" checks an inclusion proof (below, and the <code>proofs/</code> files beside this")
        .append(" report) with nothing but the key.</li>\n</ol>\n</section>\n");
  }

  private static void proofs(StringBuilder out, Facts f) {
    if (f.proofs().isEmpty()) {
      return;
    }
    out.append("<section><h2>Predictions asked for, with their inclusion proofs</h2>\n")
        .append("<p>Each proof was checked before it was written: the checkpoint's signature,")
        .append(" the entry's leaf hash, and the path from the leaf to the signed root.</p>\n");
    for (Proof p : f.proofs()) {
      out.append("<h3>Request <code>")
          .append(escape(p.requestId()))
          .append("</code>: entry ")
          .append(p.seq())
          .append("</h3>\n<table class=\"summary\">\n");
      row(out, "recorded", time(p.time()));
      row(out, "version", p.version());
      row(
          out,
          "input",
          p.inputStored()
              ? "stored in the entry"
              : "not stored (this site records only its sha256)");
      row(out, "leaf hash", p.leafHashHex());
      row(out, "tree size", Long.toString(p.treeSize()));
      row(out, "proof file", "proofs/entry-" + p.seq() + ".json");
      out.append("</table>\n<p>The canonical entry, as hashed into its leaf:</p>\n<pre>")
          .append(escape(p.entry()))
          .append("</pre>\n<p>Audit path (sibling hashes from the leaf up):</p>\n<pre>")
          .append(escape(String.join("\n", p.pathHex())))
          .append("</pre>\n<p>Against the checkpoint:</p>\n<pre>")
          .append(escape(p.checkpointNote()))
          .append("</pre>\n");
    }
    out.append("</section>\n");
  }

  private static void positiveRatePlot(StringBuilder out, Facts f) {
    List<Window> w = f.windows();
    List<String> x = new ArrayList<>();
    double[] rate = new double[w.size()];
    double[] lower = new double[w.size()];
    double[] upper = new double[w.size()];
    List<String> strip = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      x.add(Long.toString(w.get(i).index()));
      rate[i] = w.get(i).positiveRate();
      lower[i] = w.get(i).lowerLimit();
      upper[i] = w.get(i).upperLimit();
      strip.add(levelColor(w.get(i).level()));
    }
    figure(
        out,
        Svg.lines(
            "Positive rate per window",
            "positive rate",
            x,
            List.of(new Svg.Series("positive rate", "#d62728", rate)),
            List.of(),
            lower,
            upper,
            strip),
        "Positive rate per closed monitoring window (x: window number), with its 99% control"
            + " limits (shaded) and the safety level of each window along the axis (green normal,"
            + " yellow warn, orange alert, red suspend). The table in \"Drift windows\" holds the"
            + " same values.");
  }

  private static void psiPlot(StringBuilder out, Facts f) {
    List<Window> w = f.windows();
    Map<String, Double> peak = new java.util.HashMap<>();
    w.forEach(win -> win.drifting().forEach((k, p) -> peak.merge(k, p, Math::max)));
    List<String> features =
        peak.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .limit(5)
            .map(Map.Entry::getKey)
            .toList();
    List<String> x = w.stream().map(win -> Long.toString(win.index())).toList();
    Optional<Qualification> q =
        f.versions().stream().flatMap(v -> v.qualification().stream()).findFirst();
    double warn = q.map(Qualification::psiWarn).orElse(DEFAULT_PSI_WARN);
    double alert = q.map(Qualification::psiAlert).orElse(DEFAULT_PSI_ALERT);
    List<Svg.Series> series = new ArrayList<>();
    series.add(new Svg.Series("score", "#222", w.stream().mapToDouble(Window::scorePsi).toArray()));
    for (int k = 0; k < features.size(); k++) {
      String name = features.get(k);
      series.add(
          new Svg.Series(
              name,
              PALETTE[k % PALETTE.length],
              w.stream()
                  .mapToDouble(win -> win.drifting().getOrDefault(name, Double.NaN))
                  .toArray()));
    }
    figure(
        out,
        Svg.lines(
            "PSI per window",
            "PSI",
            x,
            series,
            List.of(
                new Svg.Rule("warn " + num(warn), "#b8860b", warn),
                new Svg.Rule("alert " + num(alert), "#d62728", alert)),
            new double[0],
            new double[0],
            List.of()),
        "Population stability index per window: of the score, and of the five features with the"
            + " largest PSI where they drifted (a window event lists only the drifting features,"
            + " so a gap means that feature did not drift there). Dashed: the warn and alert"
            + " thresholds of the model's manifest. The table below holds the"
            + " same values.");
  }

  private static void figure(StringBuilder out, String svg, String caption) {
    out.append("<figure>\n")
        .append(svg)
        .append("<figcaption>")
        .append(escape(caption))
        .append("</figcaption></figure>\n");
  }

  private static String levelColor(String level) {
    return switch (level) {
      case "warn" -> "#f2c500";
      case "alert" -> "#ff7f0e";
      case "suspend" -> "#d62728";
      default -> "#2ca02c";
    };
  }

  private static List<String> versionNames(Facts f) {
    Set<String> names = new LinkedHashSet<>();
    f.daily().forEach(d -> names.add(d.version()));
    return new ArrayList<>(names);
  }

  private static void row(StringBuilder out, String name, String value) {
    out.append("<tr><td>")
        .append(escape(name))
        .append("</td><td>")
        .append(escape(value))
        .append("</td></tr>\n");
  }

  static String time(Instant t) {
    return t.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4g", v);
  }

  /** {@code text} with the five characters that HTML gives a meaning escaped. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
