package io.vigil.demo;

import io.vigil.demo.WdbcData.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A fixed-seed split into train (60%), validation (20%) and test (20%), made separately within each
 * diagnosis so that every split has the data set's class balance.
 */
record StratifiedSplit(
    long seed, List<Integer> train, List<Integer> validation, List<Integer> test) {

  /** The seed of the split the shipped bundle is qualified on. */
  static final long SEED = 20260101L;

  static final String METHOD =
      "stratified by diagnosis: within each class the ids are shuffled with java.util.Random(seed)"
          + " (malignant first, then benign), the first round(20%) go to test, the next round(20%)"
          + " to validation, the rest to train; ids are sorted within each split";

  StratifiedSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }

  static StratifiedSplit of(WdbcData data, long seed) {
    Random random = new Random(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (boolean malignant : new boolean[] {true, false}) {
      List<Integer> ids = new ArrayList<>();
      for (Sample s : data.samples()) {
        if (s.malignant() == malignant) {
          ids.add(s.id());
        }
      }
      Collections.shuffle(ids, random);
      int testRows = twentyPercent(ids.size());
      int validationRows = twentyPercent(ids.size());
      test.addAll(ids.subList(0, testRows));
      validation.addAll(ids.subList(testRows, testRows + validationRows));
      train.addAll(ids.subList(testRows + validationRows, ids.size()));
    }
    Collections.sort(train);
    Collections.sort(validation);
    Collections.sort(test);
    return new StratifiedSplit(seed, train, validation, test);
  }

  private static int twentyPercent(int rows) {
    return (rows * 20 + 50) / 100;
  }
}
