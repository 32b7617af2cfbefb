package io.vigil.inference.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.canonical.Decimals;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Safety;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfile.Distribution;
import io.vigil.inference.bundle.ReferenceProfile.FeatureProfile;
import io.vigil.inference.bundle.ReferenceProfile.ScoreProfile;
import io.vigil.inference.bundle.ReferenceProfileCodec;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a verified bundle as text a person reads ({@code vigil bundle inspect}): what the model
 * is and claims, every file with its digest, the reference profile and the qualification evidence.
 */
public final class BundleSummary {

  /** Where a bundle's machine-readable evidence lives; its metrics are printed when present. */
  public static final String EVIDENCE_JSON = "evidence/evidence.json";

  /** The most evidence values printed, so that a huge evidence file cannot flood a terminal. */
  static final int MAX_EVIDENCE_VALUES = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  private BundleSummary() {}

  /** The summary of {@code bundle}, lines ending in {@code \n}. */
  public static String render(Bundle bundle) {
    StringBuilder out = new StringBuilder();
    Manifest m = bundle.manifest();
    if (m.demo()) {
      out.append("*** DEMONSTRATION BUNDLE: not a cleared medical device,")
          .append(" not for clinical use ***\n\n");
    }
    out.append("Bundle       ").append(m.modelId()).append(' ').append(m.version()).append('\n');
    line(out, "release", Long.toString(m.release()));
    line(out, "demo", Boolean.toString(m.demo()));
    line(out, "sha256", bundle.sha256());
    line(out, "size", bundle.bytes().length + " bytes");
    line(out, "platform", m.platform());
    line(out, "intended use", m.intendedUse());
    line(out, "PCCP", m.pccp().id() + ": " + m.pccp().modification());

    out.append("\nInputs\n");
    for (TensorSpec t : m.inputs()) {
      out.append("  ").append(tensor(t)).append('\n');
      for (Feature f : t.features()) {
        out.append("    ")
            .append(f.name())
            .append("  unit ")
            .append(f.unit())
            .append(", plausible ")
            .append(range(f.min(), f.max()))
            .append(f.required() ? ", required" : ", optional")
            .append('\n');
      }
    }
    out.append("Outputs\n");
    for (TensorSpec t : m.outputs()) {
      out.append("  ").append(tensor(t)).append('\n');
    }
    out.append("Decision\n  positive label '")
        .append(m.decision().positiveLabel())
        .append("' when column 0 of ")
        .append(m.decision().output())
        .append(" >= ")
        .append(Decimals.plain(m.decision().threshold()))
        .append('\n');

    out.append("Claimed performance (").append(m.performance().dataset()).append(")\n");
    for (Metric metric : m.performance().metrics()) {
      out.append("  ")
          .append(metric.name())
          .append(" [")
          .append(metric.subgroup())
          .append("] ")
          .append(Decimals.plain(metric.value()))
          .append(" (95% CI ")
          .append(range(metric.ciLow(), metric.ciHigh()))
          .append("), PCCP floor ")
          .append(Decimals.plain(metric.floor()))
          .append('\n');
    }
    Safety s = m.safety();
    out.append("Safety\n  window ")
        .append(s.windowRows())
        .append(" rows (verdicts from ")
        .append(s.minWindowRows())
        .append("), PSI warn ")
        .append(Decimals.plain(s.psiWarn()))
        .append(" alert ")
        .append(Decimals.plain(s.psiAlert()))
        .append(", suspend at ")
        .append(Decimals.plain(s.positiveRateSuspendRatio()))
        .append("x positive rate, probation ")
        .append(s.probationPredictions())
        .append(" predictions, shadow ")
        .append(s.shadowMinPredictions())
        .append(" predictions\n");

    out.append("\nFiles (sha256, bytes, name)\n");
    m.files()
        .forEach(
            (name, digest) ->
                out.append("  ")
                    .append(digest)
                    .append("  ")
                    .append(String.format("%10d", bundle.file(name).map(b -> b.length).orElse(0)))
                    .append("  ")
                    .append(name)
                    .append('\n'));

    profile(out, bundle);
    evidence(out, bundle);
    return out.toString();
  }

  private static void profile(StringBuilder out, Bundle bundle) {
    out.append("\nReference profile\n");
    Optional<byte[]> file = bundle.file(ReferenceProfile.FILE);
    if (file.isEmpty()) {
      out.append("  none: this bundle has no ").append(ReferenceProfile.FILE).append('\n');
      return;
    }
    ReferenceProfile p;
    try {
      p = ReferenceProfileCodec.parse(file.get());
    } catch (InferenceException e) {
      out.append("  INVALID: ").append(e.getMessage()).append('\n');
      return;
    }
    out.append("  rows ").append(p.rows()).append('\n');
    out.append("  feature: null rate, p0.5 .. p99.5\n");
    for (FeatureProfile f : p.features()) {
      Distribution d = f.values();
      out.append("    ")
          .append(f.name())
          .append(": ")
          .append(Decimals.plain(f.nullRate()))
          .append(", ")
          .append(Decimals.plain(d.p0_5()))
          .append(" .. ")
          .append(Decimals.plain(d.p99_5()))
          .append('\n');
    }
    ScoreProfile score = p.score();
    out.append("  score ")
        .append(score.output())
        .append(": positive rate ")
        .append(Decimals.plain(score.positiveRate()))
        .append(" at threshold ")
        .append(Decimals.plain(score.threshold()))
        .append(" over ")
        .append(score.values().count())
        .append(" complete rows\n");
  }

  private static void evidence(StringBuilder out, Bundle bundle) {
    out.append("\nEvidence (").append(EVIDENCE_JSON).append(")\n");
    Optional<byte[]> file = bundle.file(EVIDENCE_JSON);
    if (file.isEmpty()) {
      out.append("  none: this bundle has no ").append(EVIDENCE_JSON).append('\n');
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.get());
    } catch (IOException e) {
      out.append("  INVALID: not valid JSON\n");
      return;
    }
    int[] printed = {0};
    if (root != null) {
      walk(out, "", root, false, printed);
    }
    if (printed[0] == 0) {
      out.append("  no metrics or confusion matrix fields\n");
    } else if (printed[0] > MAX_EVIDENCE_VALUES) {
      out.append("  ... ").append(printed[0] - MAX_EVIDENCE_VALUES).append(" more values\n");
    }
  }

  /**
   * Prints the scalar leaves under any key named {@code metrics} or starting with {@code
   * confusion}, wherever it is, so that any manufacturer's layout works.
   */
  private static void walk(
      StringBuilder out, String path, JsonNode node, boolean selected, int[] printed) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = field.getKey();
        boolean select =
            selected
                || key.equals("metrics")
                || key.toLowerCase(Locale.ROOT).startsWith("confusion");
        walk(out, path.isEmpty() ? key : path + "." + key, field.getValue(), select, printed);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(out, path + "[" + i + "]", node.get(i), selected, printed);
      }
    } else if (selected) {
      if (++printed[0] <= MAX_EVIDENCE_VALUES) {
        out.append("  ").append(path).append(" = ").append(node.asText()).append('\n');
      }
    }
  }

  private static String tensor(TensorSpec t) {
    return t.name() + " " + t.datatype() + " " + t.shape();
  }

  private static String range(double low, double high) {
    return "[" + Decimals.plain(low) + ", " + Decimals.plain(high) + "]";
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append(String.format("%-13s", label)).append(value).append('\n');
  }
}
