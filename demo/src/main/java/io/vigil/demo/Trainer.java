package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Trains Tribuo's logistic regression on the standardised training split. */
final class Trainer {

  /** A fixed provenance time, so that nothing about the build's clock reaches the model. */
  private static final OffsetDateTime PROVENANCE_TIME =
      OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  /** Tribuo's logging interval that turns its per-epoch progress lines off. */
  private static final int NO_PROGRESS_LOGGING = -1;

  private Trainer() {}

  /** The Tribuo model, the standardisation it was trained under and the folded raw-space model. */
  record Trained(
      LinearSGDModel tribuo,
      Standardisation standardisation,
      LogisticModel model,
      List<String> featureNames) {

    /** Tribuo's P(malignant) for a row of raw measurements. */
    double tribuoProbability(double[] raw) {
      ArrayExample<Label> example =
          new ArrayExample<>(
              LabelFactory.UNKNOWN_LABEL,
              featureNames.toArray(String[]::new),
              standardisation.apply(raw));
      return tribuo.predict(example).getOutputScores().get(WdbcData.MALIGNANT).getScore();
    }
  }

  static Trained train(WdbcData data, List<Integer> trainIds, TrainingSettings settings) {
    List<Sample> train = data.select(trainIds);
    Standardisation standardisation = Standardisation.fit(train);
    String[] names = data.featureNames().toArray(String[]::new);
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> dataset =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("WDBC training split", PROVENANCE_TIME, labels), labels);
    for (Sample s : train) {
      dataset.add(
          new ArrayExample<>(
              new Label(s.malignant() ? WdbcData.MALIGNANT : WdbcData.BENIGN),
              names,
              standardisation.apply(s.features())));
    }
    // A new trainer per build: a Tribuo trainer advances its random state on every train().
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(),
            new AdaGrad(settings.learningRate(), settings.epsilon()),
            settings.epochs(),
            NO_PROGRESS_LOGGING,
            settings.minibatchSize(),
            settings.seed());
    LinearSGDModel model = trainer.train(dataset);
    LogisticModel folded =
        LogisticModel.fold(logitDifference(model, names), bias(model), standardisation);
    return new Trained(model, standardisation, folded, data.featureNames());
  }

  /** Malignant minus benign weight per feature, in CSV column order (Tribuo sorts by name). */
  private static double[] logitDifference(LinearSGDModel model, String[] names) {
    DenseMatrix w = checkedWeights(model, names.length);
    ImmutableFeatureMap features = model.getFeatureIDMap();
    int m = malignant(model);
    int b = 1 - m;
    double[] difference = new double[names.length];
    for (int j = 0; j < names.length; j++) {
      int id = features.getID(names[j]);
      if (id < 0) {
        throw new IllegalStateException("Tribuo's model lacks feature " + names[j]);
      }
      difference[j] = w.get(m, id) - w.get(b, id);
    }
    return difference;
  }

  private static double bias(LinearSGDModel model) {
    DenseMatrix w = model.getWeightsCopy();
    int last = w.getDimension2Size() - 1;
    int m = malignant(model);
    return w.get(m, last) - w.get(1 - m, last);
  }

  private static int malignant(LinearSGDModel model) {
    ImmutableOutputInfo<Label> outputs = model.getOutputIDInfo();
    if (outputs.size() != 2) {
      throw new IllegalStateException("expected two labels, got " + outputs.size());
    }
    return outputs.getID(new Label(WdbcData.MALIGNANT));
  }

  private static DenseMatrix checkedWeights(LinearSGDModel model, int width) {
    DenseMatrix w = model.getWeightsCopy();
    if (w.getDimension1Size() != 2 || w.getDimension2Size() != width + 1) {
      throw new IllegalStateException(
          "expected weights of shape [2, "
              + (width + 1)
              + "] (labels x features and bias), got "
              + w.getDimension1Size()
              + " x "
              + w.getDimension2Size());
    }
    return w;
  }
}
