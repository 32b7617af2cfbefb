package io.vigil.demo;

import io.vigil.demo.Trainer.Trained;
import io.vigil.demo.WdbcData.Sample;
import io.vigil.inference.build.BundleBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds the WDBC demonstration bundle from {@code data/wdbc.csv}: trains, exports ONNX, qualifies
 * on held-out data and packs the result; the same data gives the same bytes.
 */
public final class DemoBundle {

  static final String EVIDENCE_JSON = "evidence.json";
  static final String EVIDENCE_MD = "evidence.md";
  static final String GOLDEN_VECTORS = "golden-vectors.json";

  private DemoBundle() {}

  /** The files the bundle is built from, all in one work folder. */
  record Inputs(Path onnx, Path draftManifest, Path reference, Path evidence) {}

  /**
   * Builds the bundle: {@code OUT.vbundle [wdbc.csv [work-folder [VERSION]]]}, version 1.0.0 unless
   * named; prints the bundle's sha256.
   */
  public static void main(String[] args) {
    if (args.length < 1 || args.length > 4) {
      throw new IllegalArgumentException(
          "usage: DemoBundle OUT.vbundle [wdbc.csv] [work-folder] [VERSION], got " + List.of(args));
    }
    Path out = Path.of(args[0]);
    Path csv = Path.of(args.length > 1 ? args[1] : "data/wdbc.csv");
    Path work = Path.of(args.length > 2 ? args[2] : "target/wdbc-bundle-work");
    DemoRelease release = args.length > 3 ? DemoRelease.of(args[3]) : DemoRelease.FIRST;
    String sha256 = build(csv, work, out, release);
    System.out.println(
        "vigil-demo: wrote " + release.version() + " to " + out + " (sha256 " + sha256 + ")");
  }

  /** Builds {@code release}'s bundle into {@code out} and returns its sha256. */
  static String build(Path csv, Path work, Path out, DemoRelease release) {
    Inputs in = prepare(csv, work, release);
    try {
      Files.createDirectories(out.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the folder of " + out, e);
    }
    return BundleBuilder.build(in.onnx(), in.draftManifest(), in.reference(), in.evidence(), out);
  }

  /**
   * Trains, exports and qualifies the model and writes the builder's inputs into {@code work}.
   * Every release uses the same split, so each one's test rows are held out from all of them.
   */
  static Inputs prepare(Path csv, Path work, DemoRelease release) {
    WdbcData data = WdbcData.load(csv);
    StratifiedSplit split = StratifiedSplit.of(data, StratifiedSplit.SEED);
    Trained trained = Trainer.train(data, split.train(), release.training());
    byte[] onnx = OnnxGraph.write(trained.model());
    Qualification q;
    List<GoldenRows.Vector> golden;
    try (OnnxScorer scorer = OnnxScorer.open(onnx)) {
      List<Sample> validation = data.select(split.validation());
      List<Sample> test = data.select(split.test());
      q =
          Qualification.of(
              Scored.of(validation, scorer.score(validation)), Scored.of(test, scorer.score(test)));
      golden = GoldenRows.compute(GoldenRows.pick(test), scorer);
    }
    Evidence evidence = new Evidence(data, split, release, WdbcData.sha256(onnx), q, golden);
    Inputs in =
        new Inputs(
            work.resolve("model.onnx"),
            work.resolve("manifest.draft.json"),
            work.resolve("reference.csv"),
            work.resolve("evidence"));
    write(in.onnx(), onnx);
    write(in.draftManifest(), DraftManifest.json(DraftManifest.of(data, split, q, release)));
    write(in.reference(), referenceCsv(data, split));
    write(in.evidence().resolve(EVIDENCE_JSON), EvidenceJson.write(evidence));
    write(in.evidence().resolve(EVIDENCE_MD), EvidenceMarkdown.write(evidence));
    write(in.evidence().resolve(GOLDEN_VECTORS), GoldenRows.json(golden));
    requireOnly(in.evidence(), Set.of(EVIDENCE_JSON, EVIDENCE_MD, GOLDEN_VECTORS));
    return in;
  }

  /** The validation split, raw, with the data set's header: the drift reference. */
  private static byte[] referenceCsv(WdbcData data, StratifiedSplit split) {
    StringBuilder csv = new StringBuilder(data.header()).append('\n');
    for (Sample s : data.select(split.validation())) {
      csv.append(s.line()).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A stray file in the evidence folder would end up in the bundle; refuse to build then. */
  private static void requireOnly(Path folder, Set<String> expected) {
    try (Stream<Path> files = Files.list(folder)) {
      List<String> stray =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !expected.contains(n))
              .sorted()
              .toList();
      if (!stray.isEmpty()) {
        throw new IllegalStateException(folder + " holds files that are not evidence: " + stray);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }
}
