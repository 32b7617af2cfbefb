package io.vigil.gateway.evidence;

import io.vigil.audit.AuditException;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.EntryProof;
import io.vigil.audit.Hash;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.PredictionEntry;
import io.vigil.audit.VerifierKey;
import io.vigil.audit.VerifyReport;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.evidence.Facts.Proof;
import io.vigil.gateway.evidence.Facts.SignedCheckpoint;
import io.vigil.gateway.evidence.Facts.Verification;
import io.vigil.gateway.evidence.Facts.Version;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.bundle.Bundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code vigil evidence export}: verifies the whole ledger, then writes the evidence report of one
 * model over one period ({@code report.html}, {@code report.json}, the asked predictions' proofs
 * and, with a browser, {@code report.pdf} and {@code report.png}). It reads the data directory and
 * never writes to it, so it runs beside a serving gateway; when the ledger does not verify it
 * writes nothing.
 */
public final class EvidenceExport {

  /** Whether to print the report to PDF. */
  public enum Pdf {
    /** When a browser is on {@code PATH}. */
    AUTO,
    /** Always; fails when no browser is on {@code PATH}. */
    ON,
    /** Never. */
    OFF
  }

  /**
   * What to export.
   *
   * @param config the gateway's configuration: its data and trust directories
   * @param model the model id
   * @param from the period's start, included
   * @param to the period's end, excluded
   * @param out the folder the report is written to, created when missing
   * @param requestIds the request ids whose predictions are proved in the report
   * @param pdf whether to print it to PDF
   * @param png whether to render its first page to PNG
   */
  public record Request(
      VigilConfig config,
      String model,
      Instant from,
      Instant to,
      Path out,
      List<String> requestIds,
      Pdf pdf,
      boolean png) {
    public Request {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(pdf, "pdf");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("from " + from + " is not before to " + to);
      }
      requestIds = List.copyOf(requestIds);
    }
  }

  /**
   * What was written.
   *
   * @param files the files written, the HTML report first
   * @param summary one line on the verification and the contents, for the terminal
   */
  public record Result(List<Path> files, String summary) {
    public Result {
      files = List.copyOf(files);
    }
  }

  /** The report's file names in its folder. */
  public static final String HTML = "report.html";

  public static final String JSON = "report.json";
  public static final String PDF = "report.pdf";
  public static final String PNG = "report.png";
  public static final String PROOFS = "proofs";

  private EvidenceExport() {}

  /**
   * Verifies the ledger and writes the report.
   *
   * @throws GatewayException {@code DATA_INVALID} naming the first entry or checkpoint that does
   *     not hold when the ledger does not verify (nothing written); {@code NOT_FOUND} for a missing
   *     ledger, an unknown model or request id, or no browser where one is required
   */
  public static Result run(Request request, Clock clock) {
    Optional<Browser> browser = Browser.onPath();
    if ((request.pdf() == Pdf.ON || request.png()) && browser.isEmpty()) {
      throw new GatewayException(
          GatewayException.Code.NOT_FOUND,
          (request.png() ? "--png" : "--pdf on")
              + " needs one of "
              + String.join(", ", Browser.NAMES)
              + " on PATH, and none is there; install one or use --pdf off without --png");
    }
    Path dataDir = request.config().dataDir();
    Path db = Ledgers.database(dataDir);
    if (!Files.isRegularFile(db)) {
      throw new GatewayException(GatewayException.Code.NOT_FOUND, "no ledger at " + db);
    }
    Facts facts;
    List<String> proofFiles = new ArrayList<>();
    try (LedgerReader reader = LedgerReader.openUntouched(db)) {
      VerifierKey key = Ledgers.verifierKey(dataDir, reader.origin());
      VerifyReport report = reader.verify(key);
      if (!report.ok()) {
        throw new GatewayException(
            GatewayException.Code.DATA_INVALID,
            "the ledger "
                + db
                + " does not verify, so no evidence was written: "
                + report.firstFailure().orElseThrow()
                + " ("
                + report.failures().size()
                + " failures; vigil audit verify lists them)");
      }
      Instant verifiedAt = clock.instant();
      SignedCheckpoint latest = latest(reader, report.size());
      LedgerScan scan =
          LedgerScan.run(
              reader,
              report.size(),
              request.model(),
              request.from(),
              request.to(),
              request.requestIds());
      if (scan.versions.isEmpty()) {
        throw new GatewayException(
            GatewayException.Code.NOT_FOUND,
            "the ledger " + db + " holds nothing about a model " + request.model());
      }
      List<Proof> proofs = new ArrayList<>();
      scan.requests.forEach(
          (id, seqs) -> {
            if (seqs.isEmpty()) {
              throw new GatewayException(
                  GatewayException.Code.NOT_FOUND,
                  "no prediction of " + request.model() + " with request id " + id + " in " + db);
            }
            seqs.forEach(seq -> proofs.add(proof(reader, key, id, seq)));
          });
      facts =
          new Facts(
              request.model(),
              request.from(),
              request.to(),
              clock.instant(),
              Gateway.version(),
              new Verification(
                  report.entries(),
                  report.checkpoints(),
                  report.segments(),
                  latest,
                  key.name(),
                  key.keyIdHex(),
                  key.toString(),
                  verifiedAt),
              versions(request, scan),
              scan.counts,
              scan.daily,
              scan.windows,
              scan.safetyEvents,
              scan.rollbacks,
              scan.checkpoints,
              proofs);
    }
    return write(request, facts, browser);
  }

  private static SignedCheckpoint latest(LedgerReader reader, long size) {
    List<Checkpoint> all = reader.checkpoints();
    Checkpoint c = null;
    long previous = 0;
    for (Checkpoint x : all) {
      if (x.size() <= size) {
        previous = c == null ? 0 : c.size();
        c = x;
      }
    }
    if (c == null) {
      throw new GatewayException(
          GatewayException.Code.DATA_INVALID,
          "the ledger has no signed checkpoint yet, so it cannot be shown to hold; no evidence"
              + " was written");
    }
    return new SignedCheckpoint(
        c.size(), c.root().base64(), c.root().hex(), c.note(), previous, Optional.empty());
  }

  /** Entry {@code seq} with its inclusion proof, checked with the key alone before it is used. */
  private static Proof proof(LedgerReader reader, VerifierKey key, String requestId, long seq) {
    EntryProof proof;
    try {
      proof = reader.prove(seq);
    } catch (AuditException e) {
      throw new GatewayException(
          GatewayException.Code.NOT_FOUND,
          "prediction " + requestId + " (entry " + seq + "): " + e.getMessage());
    }
    String json = proof.toJson();
    EntryProof checked = EntryProof.check(json, key);
    PredictionEntry entry = (PredictionEntry) checked.entry().orElseThrow().entry();
    // The proof's JSON is canonical with sorted keys (EntryProof): the entry's bytes, as hashed
    // into its leaf, lie between these two keys.
    int start = json.indexOf(",\"entry\":") + ",\"entry\":".length();
    String canonical = json.substring(start, json.indexOf(",\"leaf_hash\":", start));
    return new Proof(
        requestId,
        seq,
        checked.entry().orElseThrow().time(),
        entry.modelVersion(),
        entry.inputStored(),
        checked.inclusion().leafHash().hex(),
        checked.inclusion().treeSize(),
        checked.inclusion().path().stream().map(Hash::hex).toList(),
        checked.checkpoint().note(),
        canonical,
        json);
  }

  private static List<Version> versions(Request request, LedgerScan scan) {
    List<Version> out = new ArrayList<>();
    for (LedgerScan.VersionRecord v : scan.versions.values()) {
      if (!v.inPeriod) {
        continue;
      }
      List<String> notes = new ArrayList<>();
      Optional<Bundle> bundle =
          v.bundleSha256.isEmpty()
              ? Optional.empty()
              : BundleEvidence.read(request.config().dataDir(), v.bundleSha256, notes);
      Optional<Facts.TufTarget> tuf = Optional.empty();
      if (v.installed.isPresent()) {
        Object repository = v.installed.get().approval().get("repository");
        Object target = v.installed.get().approval().get("target");
        if (repository != null && target != null) {
          tuf =
              BundleEvidence.target(
                  request.config().trustDir(), repository.toString(), target.toString(), notes);
        } else {
          notes.add("its install event names no TUF repository and target");
        }
      }
      out.add(
          new Version(
              v.version,
              bundle.map(b -> b.manifest().release()).orElse(v.release),
              v.bundleSha256,
              v.active,
              v.installed,
              v.decisions,
              tuf,
              bundle.map(BundleEvidence::qualification),
              notes));
    }
    return out;
  }

  private static Result write(Request request, Facts facts, Optional<Browser> browser) {
    Path out = request.out();
    List<Path> files = new ArrayList<>();
    try {
      Files.createDirectories(out);
      Path html = out.resolve(HTML);
      Files.writeString(html, HtmlReport.render(facts), StandardCharsets.UTF_8);
      files.add(html);
      Path json = out.resolve(JSON);
      Files.writeString(json, JsonReport.render(facts), StandardCharsets.UTF_8);
      files.add(json);
      if (!facts.proofs().isEmpty()) {
        Path proofs = Files.createDirectories(out.resolve(PROOFS));
        for (Proof p : facts.proofs()) {
          Path file = proofs.resolve("entry-" + p.seq() + ".json");
          Files.writeString(file, p.proofJson() + "\n", StandardCharsets.UTF_8);
          files.add(file);
        }
      }
    } catch (IOException e) {
      throw new GatewayException(
          GatewayException.Code.IO_FAILED, "cannot write the report in " + out + ": " + e, e);
    }
    if (browser.isPresent() && request.pdf() != Pdf.OFF) {
      browser.get().pdf(out.resolve(HTML), out.resolve(PDF));
      files.add(out.resolve(PDF));
    }
    if (request.png()) {
      browser.orElseThrow().png(out.resolve(HTML), out.resolve(PNG));
      files.add(out.resolve(PNG));
    }
    Verification v = facts.verification();
    return new Result(
        files,
        "ledger verified: "
            + v.entries()
            + " entries, "
            + v.checkpoints()
            + " checkpoints, latest at size "
            + v.latest().size()
            + " signed by key "
            + v.keyId()
            + "; "
            + facts.predictions()
            + " predictions of "
            + facts.model()
            + ", "
            + facts.windows().size()
            + " windows, "
            + facts.safetyEvents().size()
            + " safety changes, "
            + facts.rollbacks().size()
            + " rollbacks in the period");
  }
}
