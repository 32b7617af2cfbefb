package io.vigil.demo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Writes {@code evidence/evidence.md}, the qualification evidence as a person reads it. */
final class EvidenceMarkdown {

  private EvidenceMarkdown() {}

  static byte[] write(Evidence e) {
    Qualification q = e.qualification();
    StratifiedSplit s = e.split();
    TrainingSettings t = e.training();
    Confusion c = q.test();
    StringBuilder md = new StringBuilder();
    md.append("# ")
        .append(DraftManifest.MODEL_ID)
        .append(' ')
        .append(e.release().version())
        .append(": qualification evidence\n\n");
    md.append("> **").append(Evidence.STATEMENT).append("**\n\n");
    md.append("The model estimates P(malignant) from the 30 nuclear measurements of a")
        .append(" fine-needle aspirate (input `features`, FP32 [batch, 30], raw values in the")
        .append(" data set's column order; output `probability`, FP32 [batch, 1]).\n")
        .append("model.onnx sha256: `")
        .append(e.onnxSha256())
        .append("`\n\n");
    // Only later releases say so, which keeps release 1's bytes as they were certified.
    if (e.release().certified().isPresent()) {
      md.append("Release ")
          .append(e.release().release())
          .append(" under PCCP ")
          .append(DraftManifest.PCCP_ID)
          .append(", modification `")
          .append(e.release().modification())
          .append("`: retrained from ")
          .append(e.release().certified().orElseThrow().version())
          .append(" with only the training seed changed; the data set, split, schema, units")
          .append(" and intended use are the same.\n\n");
    }

    md.append("## Data set\n\n");
    md.append("- Name: ").append(Evidence.DATASET_NAME).append('\n');
    md.append("- Source: ").append(Evidence.SOURCE).append('\n');
    md.append("- Licence: ").append(Evidence.LICENCE).append(". Attribution as above.\n");
    md.append("- sha256 of wdbc.csv: `").append(e.data().sha256()).append("`\n");
    md.append("- Rows: ").append(e.data().samples().size()).append("\n\n");

    md.append("## Split\n\n");
    md.append(capitalised(StratifiedSplit.METHOD)).append("; seed ").append(s.seed());
    md.append(". The ids of each split are listed in evidence.json.\n\n");
    md.append("| split | rows | malignant | benign | used for |\n");
    md.append("| --- | ---: | ---: | ---: | --- |\n");
    splitRow(md, e, "train", s.train(), "training, standardisation");
    splitRow(md, e, "validation", s.validation(), "threshold, drift reference profile");
    splitRow(md, e, "test", s.test(), "the performance below, nothing else");
    md.append('\n');

    md.append("## Training\n\n");
    md.append("Tribuo 4.3.2 `LinearSGDTrainer`, objective `LogMulticlass` (logistic regression),")
        .append(" AdaGrad with learning rate ")
        .append(t.learningRate())
        .append(" and epsilon ")
        .append(t.epsilon())
        .append(", ")
        .append(t.epochs())
        .append(" epochs, minibatch ")
        .append(t.minibatchSize())
        .append(", seed ")
        .append(t.seed())
        .append(". Features standardised with the train split's mean and sample standard")
        .append(" deviation; the standardisation is folded into the ONNX weights, and the")
        .append(" two-class softmax is written as sigmoid(z_malignant - z_benign).\n\n");

    md.append("## Operating threshold\n\n");
    md.append("Threshold ")
        .append(q.threshold())
        .append(": the ")
        .append(Evidence.THRESHOLD_RULE)
        .append(". On the validation split it gives sensitivity ")
        .append(f(q.validation().sensitivity()))
        .append(" and specificity ")
        .append(f(q.validation().specificity()))
        .append(".\n\n");

    md.append("## Performance on the test split\n\n");
    md.append("Scored by ONNX Runtime on raw FP32 inputs, as a device sends them; ")
        .append(s.test().size())
        .append(' ')
        .append(e.heldOutFrom())
        .append(".\n\n");
    md.append("| metric | value | 95% CI | method |\n");
    md.append("| --- | ---: | --- | --- |\n");
    metricRow(md, "AUC", q.auc().value(), q.auc().interval(), Evidence.AUC_METHOD);
    metricRow(
        md, "sensitivity", c.sensitivity(), c.sensitivityInterval(), Evidence.PROPORTION_METHOD);
    metricRow(
        md, "specificity", c.specificity(), c.specificityInterval(), Evidence.PROPORTION_METHOD);
    md.append('\n');
    md.append("| | diagnosed malignant | diagnosed benign |\n");
    md.append("| --- | ---: | ---: |\n");
    md.append("| called malignant | ").append(c.tp()).append(" (tp) | ").append(c.fp());
    md.append(" (fp) |\n");
    md.append("| called benign | ").append(c.fn()).append(" (fn) | ").append(c.tn());
    md.append(" (tn) |\n\n");
    md.append("The ROC curve (")
        .append(q.roc().size())
        .append(" points, one per distinct score) is in evidence.json.\n\n");

    md.append("## Golden vectors\n\n");
    md.append("golden-vectors.json holds ")
        .append(e.golden().size())
        .append(" test rows (")
        .append(GoldenRows.PER_CLASS)
        .append(" of each class) with the probability ONNX Runtime computed for them; a gateway")
        .append(" re-runs them before it activates the model and requires agreement within ")
        .append(GoldenRows.TOLERANCE)
        .append(".\n");
    return md.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void splitRow(
      StringBuilder md, Evidence e, String name, List<Integer> ids, String usedFor) {
    md.append("| ").append(name).append(" | ").append(ids.size()).append(" | ");
    md.append(e.count(ids, true)).append(" | ").append(e.count(ids, false)).append(" | ");
    md.append(usedFor).append(" |\n");
  }

  private static void metricRow(
      StringBuilder md, String name, double value, Interval ci, String method) {
    md.append("| ").append(name).append(" | ").append(f(value)).append(" | ");
    md.append(f(ci.low())).append(" to ").append(f(ci.high())).append(" | ");
    md.append(method).append(" |\n");
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String capitalised(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
