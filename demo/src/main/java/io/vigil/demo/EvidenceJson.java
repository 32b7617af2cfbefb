package io.vigil.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.inference.bundle.BundleJson;
import java.util.List;

/** Writes {@code evidence/evidence.json}, the machine-readable qualification evidence. */
final class EvidenceJson {

  private EvidenceJson() {}

  static byte[] write(Evidence e) {
    Qualification q = e.qualification();
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("demo", true);
    root.put("statement", Evidence.STATEMENT);
    root.put("model_id", DraftManifest.MODEL_ID);
    root.put("version", e.release().version());
    // Only later releases say so, which keeps release 1's bytes as they were certified.
    if (e.release().certified().isPresent()) {
      root.put("release", e.release().release());
      ObjectNode pccp = root.putObject("pccp");
      pccp.put("id", DraftManifest.PCCP_ID);
      pccp.put("modification", e.release().modification());
      root.put("certified_release", e.release().certified().orElseThrow().version());
    }
    root.put("model_onnx_sha256", e.onnxSha256());

    ObjectNode dataset = root.putObject("dataset");
    dataset.put("name", Evidence.DATASET_NAME);
    dataset.put("source", Evidence.SOURCE);
    dataset.put("licence", Evidence.LICENCE);
    dataset.put("sha256", e.data().sha256());
    dataset.put("rows", e.data().samples().size());

    StratifiedSplit s = e.split();
    ObjectNode split = root.putObject("split");
    split.put("method", StratifiedSplit.METHOD);
    split.put("seed", s.seed());
    ids(split, "train", e, s.train());
    ids(split, "validation", e, s.validation());
    ids(split, "test", e, s.test());

    TrainingSettings t = e.training();
    ObjectNode training = root.putObject("training");
    training.put("library", "Tribuo 4.3.2");
    training.put("trainer", "org.tribuo.classification.sgd.linear.LinearSGDTrainer");
    training.put("objective", "LogMulticlass");
    training.put("optimiser", "AdaGrad");
    training.put("learning_rate", t.learningRate());
    training.put("epsilon", t.epsilon());
    training.put("epochs", t.epochs());
    training.put("minibatch_size", t.minibatchSize());
    training.put("seed", t.seed());
    training.put("data", "train split");
    training.put(
        "standardisation",
        "train-split mean and sample standard deviation; folded into the ONNX weights,"
            + " so the model takes raw measurements");

    ObjectNode threshold = root.putObject("operating_threshold");
    threshold.put("value", q.threshold());
    threshold.put("chosen_on", "validation split");
    threshold.put("rule", Evidence.THRESHOLD_RULE);
    threshold.put("validation_sensitivity", q.validation().sensitivity());
    threshold.put("validation_specificity", q.validation().specificity());
    confusion(threshold.putObject("validation_confusion_matrix"), q.validation());

    ObjectNode test = root.putObject("test");
    test.put("scored_by", "ONNX Runtime on raw (unstandardised) FP32 inputs");
    test.put("rows", s.test().size());
    if (e.release().certified().isPresent()) {
      test.put("held_out", e.heldOutFrom());
    }
    ObjectNode auc = test.putObject("auc");
    estimate(auc, q.auc().value(), q.auc().interval(), Evidence.AUC_METHOD);
    auc.put("delong_variance", q.auc().variance());
    Confusion c = q.test();
    estimate(
        test.putObject("sensitivity"),
        c.sensitivity(),
        c.sensitivityInterval(),
        Evidence.PROPORTION_METHOD);
    estimate(
        test.putObject("specificity"),
        c.specificity(),
        c.specificityInterval(),
        Evidence.PROPORTION_METHOD);
    confusion(test.putObject("confusion_matrix"), c);
    ArrayNode roc = test.putArray("roc");
    for (RocCurve.Point p : q.roc()) {
      ObjectNode n = roc.addObject();
      n.put("threshold", p.threshold());
      n.put("tpr", p.tpr());
      n.put("fpr", p.fpr());
    }
    root.put("golden_vectors", "golden-vectors.json");
    return BundleJson.writeArraysIndented(root);
  }

  private static void ids(ObjectNode split, String name, Evidence e, List<Integer> ids) {
    ObjectNode n = split.putObject(name);
    n.put("rows", ids.size());
    n.put("malignant", e.count(ids, true));
    n.put("benign", e.count(ids, false));
    ArrayNode array = n.putArray("ids");
    ids.forEach(array::add);
  }

  private static void estimate(ObjectNode n, double value, Interval ci, String method) {
    n.put("value", value);
    n.put("ci_low", ci.low());
    n.put("ci_high", ci.high());
    n.put("method", method);
  }

  private static void confusion(ObjectNode n, Confusion c) {
    n.put("tp", c.tp());
    n.put("fp", c.fp());
    n.put("tn", c.tn());
    n.put("fn", c.fn());
  }
}
