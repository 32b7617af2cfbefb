package io.vigil.inference.bundle;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The manifest of a certified model bundle ({@code manifest.json}): what the model is, what it
 * takes and returns, what it claims, and the digest of every other file in the bundle.
 *
 * <p>Instances are checked when built: {@link ManifestCodec} turns JSON into a manifest and names
 * the first bad field and value.
 */
public record Manifest(
    String modelId,
    String version,
    long release,
    String platform,
    String intendedUse,
    boolean demo,
    Pccp pccp,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Decision decision,
    Performance performance,
    Safety safety,
    SortedMap<String, String> files) {

  /** The only platform this version of Vigil runs. */
  public static final String PLATFORM_ONNX = "onnx_onnxv1";

  public Manifest {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(intendedUse, "intendedUse");
    Objects.requireNonNull(pccp, "pccp");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(performance, "performance");
    Objects.requireNonNull(safety, "safety");
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
  }

  /** Returns this manifest with another file table; the builder uses it once digests are known. */
  public Manifest withFiles(Map<String, String> newFiles) {
    return new Manifest(
        modelId,
        version,
        release,
        platform,
        intendedUse,
        demo,
        pccp,
        inputs,
        outputs,
        decision,
        performance,
        safety,
        new TreeMap<>(newFiles));
  }

  /** The input tensor of that name, if the model has one. */
  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The output tensor of that name, if the model has one. */
  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The Predetermined Change Control Plan this release falls under. */
  public record Pccp(String id, String modification) {
    public Pccp {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(modification, "modification");
    }
  }

  /**
   * A tensor as the Open Inference Protocol names it; rows are the first dimension ({@code -1}).
   * Inputs list one {@link Feature} per column.
   */
  public record TensorSpec(String name, String datatype, List<Long> shape, List<Feature> features) {
    public TensorSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(datatype, "datatype");
      shape = List.copyOf(shape);
      features = List.copyOf(features);
    }

    /** The number of values in one row: the product of the dimensions after the first. */
    public int rowWidth() {
      long width = 1;
      for (int i = 1; i < shape.size(); i++) {
        width *= shape.get(i);
      }
      return Math.toIntExact(width);
    }
  }

  /** One column of an input: its unit and the range of values that are physically plausible. */
  public record Feature(String name, String unit, double min, double max, boolean required) {
    public Feature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(unit, "unit");
    }

    /** Whether a value lies within the plausible range, both ends included. */
    public boolean plausible(double value) {
      return value >= min && value <= max;
    }
  }

  /** How the model's output becomes a clinical decision. */
  public record Decision(String output, String positiveLabel, double threshold) {
    public Decision {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(positiveLabel, "positiveLabel");
    }
  }

  /** The performance the manufacturer claims, measured on data the model never saw. */
  public record Performance(String dataset, List<Metric> metrics) {
    public Performance {
      Objects.requireNonNull(dataset, "dataset");
      metrics = List.copyOf(metrics);
    }

    /** The claimed metric of that name for that subgroup, if any. */
    public Optional<Metric> metric(String name, String subgroup) {
      return metrics.stream()
          .filter(m -> m.name().equals(name) && m.subgroup().equals(subgroup))
          .findFirst();
    }
  }

  /**
   * One claimed metric with its 95% confidence interval and the floor that the PCCP requires of
   * every future release.
   */
  public record Metric(
      String name, String subgroup, double value, double ciLow, double ciHigh, double floor) {
    public Metric {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(subgroup, "subgroup");
    }
  }

  /**
   * The patient-safety block: when drift statistics and outcomes mean something and what they
   * trigger.
   *
   * <p>Where the manufacturer is silent, {@link #DEFAULT} applies (DESIGN.md's table). {@code
   * minOutcomes} is the denominator (positives for sensitivity, negatives for specificity) below
   * which live performance gets no verdict; {@code performanceAction} is what a claimed metric's
   * breach of its floor does, {@link #ALERT} or {@link #SUSPEND}.
   */
  public record Safety(
      int windowRows,
      int minWindowRows,
      double psiWarn,
      double psiAlert,
      double positiveRateSuspendRatio,
      int probationPredictions,
      int shadowMinPredictions,
      int minOutcomes,
      String performanceAction) {

    /** A breach of a performance floor alerts. */
    public static final String ALERT = "alert";

    /** A breach of a performance floor suspends the model. */
    public static final String SUSPEND = "suspend";

    /** Outcomes a metric's denominator needs before live performance gets a verdict. */
    public static final int DEFAULT_MIN_OUTCOMES = 30;

    /** The defaults of DESIGN.md, "Monitoring and patient safety". */
    public static final Safety DEFAULT =
        new Safety(500, 200, 0.10, 0.25, 2.0, 1000, 200, DEFAULT_MIN_OUTCOMES, ALERT);

    public Safety {
      Objects.requireNonNull(performanceAction, "performanceAction");
      if (minOutcomes < 1) {
        throw new IllegalArgumentException("minOutcomes < 1");
      }
      if (!performanceAction.equals(ALERT) && !performanceAction.equals(SUSPEND)) {
        throw new IllegalArgumentException(
            "performanceAction must be alert or suspend, not " + performanceAction);
      }
    }
  }
}
