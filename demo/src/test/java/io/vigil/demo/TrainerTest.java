package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.demo.Trainer.Trained;
import io.vigil.demo.WdbcData.Sample;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainerTest {

  private static final WdbcData DATA = WdbcData.load(Path.of("data/wdbc.csv"));
  private static final StratifiedSplit SPLIT = StratifiedSplit.of(DATA, StratifiedSplit.SEED);

  @Test
  void onnxGraphAgreesWithTribuoOnEveryRow() {
    Trained trained = Trainer.train(DATA, SPLIT.train(), TrainingSettings.DEFAULT);

    float[] onnx;
    try (OnnxScorer scorer = OnnxScorer.open(OnnxGraph.write(trained.model()))) {
      onnx = scorer.score(DATA.samples());
    }

    assertEquals(569, onnx.length);
    for (int i = 0; i < onnx.length; i++) {
      Sample s = DATA.samples().get(i);
      double tribuo = trained.tribuoProbability(s.features());
      assertEquals(tribuo, onnx[i], 1e-5, "row " + s.id());
    }
  }

  @Test
  void trainingTwiceGivesTheSameWeightsAndTheSameOnnxBytes() {
    Trained first = Trainer.train(DATA, SPLIT.train(), TrainingSettings.DEFAULT);
    Trained second = Trainer.train(DATA, SPLIT.train(), TrainingSettings.DEFAULT);

    assertArrayEquals(first.model().weights(), second.model().weights());
    assertEquals(first.model().bias(), second.model().bias());
    assertArrayEquals(OnnxGraph.write(first.model()), OnnxGraph.write(second.model()));
  }
}
