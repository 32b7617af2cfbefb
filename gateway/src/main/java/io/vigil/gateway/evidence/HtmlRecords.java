package io.vigil.gateway.evidence;

import io.vigil.gateway.evidence.Facts.Proof;
import io.vigil.gateway.evidence.Facts.Rollback;
import io.vigil.gateway.evidence.Facts.SafetyEvent;
import io.vigil.gateway.evidence.Facts.SignedCheckpoint;
import io.vigil.gateway.evidence.Facts.Verification;
import io.vigil.gateway.evidence.Facts.Window;

/**
 * The report's sections on what the ledger recorded: drift and safety, rollbacks, checkpoints,
 * proofs.
 */
final class HtmlRecords {

  private HtmlRecords() {}

  /** The monitoring windows and the safety events. */
  static void drift(StringBuilder out, Facts f) {
    out.append("<section><h2>Drift windows and safety events</h2>\n");
    if (f.windows().isEmpty()) {
      out.append("<p>No monitoring window closed in this period.</p>\n");
    } else {
      HtmlPlots.psiPlot(out, f);
      out.append("<table><tr><th>closed</th><th>version</th><th>window</th><th>rows</th>")
          .append("<th>level</th><th>positive rate</th><th>99% limits</th><th>score PSI</th>")
          .append("<th>drifting features (PSI)</th><th>reasons</th></tr>\n");
      for (Window w : f.windows()) {
        StringBuilder drifting = new StringBuilder();
        w.drifting()
            .forEach((k, p) -> drifting.append(k).append(' ').append(Html.num(p)).append("; "));
        out.append("<tr class=\"level-")
            .append(Html.escape(w.level()))
            .append("\"><td>")
            .append(Html.time(w.time()))
            .append("</td><td>")
            .append(Html.escape(w.version()))
            .append("</td><td class=\"n\">")
            .append(w.index())
            .append("</td><td class=\"n\">")
            .append(w.rows())
            .append("</td><td>")
            .append(Html.escape(w.level()))
            .append("</td><td class=\"n\">")
            .append(Html.num(w.positiveRate()))
            .append("</td><td class=\"n\">")
            .append(Html.num(w.lowerLimit()))
            .append(" – ")
            .append(Html.num(w.upperLimit()))
            .append("</td><td class=\"n\">")
            .append(Html.num(w.scorePsi()))
            .append("</td><td>")
            .append(Html.escape(drifting.toString().strip()))
            .append("</td><td>")
            .append(Html.escape(String.join("; ", w.reasons())))
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
            .append(Html.escape(e.to()))
            .append("\"><td>")
            .append(Html.time(e.time()))
            .append("</td><td class=\"n\">")
            .append(e.seq())
            .append("</td><td>")
            .append(Html.escape(e.version()))
            .append("</td><td>")
            .append(Html.escape(e.from()))
            .append("</td><td>")
            .append(Html.escape(e.to()))
            .append("</td><td>")
            .append(Html.escape(e.actor()))
            .append("</td><td>")
            .append(Html.escape(String.join("; ", e.reasons())))
            .append("</td></tr>\n");
      }
      out.append("</table>\n<p>A suspended version answers 503 and tells devices to fall back to")
          .append(" the standard clinical workflow; only an approver resumes it, and the ledger")
          .append(" records who.</p>\n");
    }
    out.append("</section>\n");
  }

  /** The rollbacks. */
  static void rollbacks(StringBuilder out, Facts f) {
    out.append("<section><h2>Rollbacks</h2>\n");
    if (f.rollbacks().isEmpty()) {
      out.append("<p>No rollback in this period.</p>\n");
    } else {
      out.append("<table><tr><th>time</th><th>entry</th><th>from</th><th>to</th><th>by</th>")
          .append("<th>reason</th></tr>\n");
      for (Rollback r : f.rollbacks()) {
        out.append("<tr><td>")
            .append(Html.time(r.time()))
            .append("</td><td class=\"n\">")
            .append(r.seq())
            .append("</td><td>")
            .append(Html.escape(r.fromVersion()))
            .append("</td><td>")
            .append(Html.escape(r.toVersion()))
            .append("</td><td>")
            .append(Html.escape(r.actor()))
            .append("</td><td>")
            .append(Html.escape(r.reason()))
            .append("</td></tr>\n");
      }
      out.append("</table>\n");
    }
    out.append("</section>\n");
  }

  /** The signed checkpoints and how an inspector verifies them. */
  static void checkpoints(StringBuilder out, Facts f) {
    Verification v = f.verification();
    out.append("<section><h2>Signed checkpoints</h2>\n<p>The checkpoints whose entries")
        .append(" intersect the period, and the latest. Each is a C2SP tlog-checkpoint signed")
        .append(" note (origin, tree size, base64 RFC 9162 root hash, Ed25519 signature) by the")
        .append(" gateway's verifier key <code>")
        .append(Html.escape(v.verifierKey()))
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
          .append(c.lastEntryTime().map(Html::time).orElse(""))
          .append("</td><td><code>")
          .append(Html.escape(c.rootHex()))
          .append("</code></td></tr>\n");
    }
    out.append("</table>\n<details open><summary>The signed notes</summary>\n");
    for (SignedCheckpoint c : f.checkpoints()) {
      out.append("<pre>").append(Html.escape(c.note())).append("</pre>\n");
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

  /** Each asked prediction with its inclusion proof. */
  static void proofs(StringBuilder out, Facts f) {
    if (f.proofs().isEmpty()) {
      return;
    }
    out.append("<section><h2>Predictions asked for, with their inclusion proofs</h2>\n")
        .append("<p>Each proof was checked before it was written: the checkpoint's signature,")
        .append(" the entry's leaf hash, and the path from the leaf to the signed root.</p>\n");
    for (Proof p : f.proofs()) {
      out.append("<h3>Request <code>")
          .append(Html.escape(p.requestId()))
          .append("</code>: entry ")
          .append(p.seq())
          .append("</h3>\n<table class=\"summary\">\n");
      Html.row(out, "recorded", Html.time(p.time()));
      Html.row(out, "version", p.version());
      Html.row(
          out,
          "input",
          p.inputStored()
              ? "stored in the entry"
              : "not stored (this site records only its sha256)");
      Html.row(out, "leaf hash", p.leafHashHex());
      Html.row(out, "tree size", Long.toString(p.treeSize()));
      Html.row(out, "proof file", "proofs/entry-" + p.seq() + ".json");
      out.append("</table>\n<p>The canonical entry, as hashed into its leaf:</p>\n<pre>")
          .append(Html.escape(p.entry()))
          .append("</pre>\n<p>Audit path (sibling hashes from the leaf up):</p>\n<pre>")
          .append(Html.escape(String.join("\n", p.pathHex())))
          .append("</pre>\n<p>Against the checkpoint:</p>\n<pre>")
          .append(Html.escape(p.checkpointNote()))
          .append("</pre>\n");
    }
    out.append("</section>\n");
  }
}
