package io.vigil.demo;

import java.util.List;

/** Everything the qualification evidence reports, gathered in one place. */
record Evidence(
    WdbcData data,
    StratifiedSplit split,
    DemoRelease release,
    String onnxSha256,
    Qualification qualification,
    List<GoldenRows.Vector> golden) {

  static final String DATASET_NAME = "Breast Cancer Wisconsin (Diagnostic), WDBC";
  static final String SOURCE =
      "UCI Machine Learning Repository, W. Wolberg, W. Street, O. Mangasarian, 1995,"
          + " DOI 10.24432/C5DW2B";
  static final String LICENCE = "CC BY 4.0 (Creative Commons Attribution 4.0)";
  static final String STATEMENT =
      "DEMONSTRATION ONLY: this model and its evidence demonstrate Vigil. It is not a cleared"
          + " medical device and must not be used for clinical decisions.";
  static final String THRESHOLD_RULE =
      "highest threshold at which the validation split's sensitivity is >= 0.95;"
          + " a case is called malignant when probability >= threshold";
  static final String AUC_METHOD =
      "Mann-Whitney AUC, DeLong variance, normal-approximation 95% interval clipped to [0, 1]";
  static final String PROPORTION_METHOD = "Wilson score 95% interval";

  Evidence {
    golden = List.copyOf(golden);
  }

  TrainingSettings training() {
    return release.training();
  }

  /** Which models the test split was kept from: every release's, since they share the split. */
  String heldOutFrom() {
    return release.certified().isEmpty()
        ? "rows that neither training nor the choice of threshold saw"
        : "the same held-out rows as "
            + release.certified().orElseThrow().version()
            + "'s evidence: neither "
            + release.certified().orElseThrow().version()
            + "'s training, nor this release's, nor either choice of threshold saw them";
  }

  long count(List<Integer> ids, boolean malignant) {
    return data.select(ids).stream().filter(s -> s.malignant() == malignant).count();
  }
}
