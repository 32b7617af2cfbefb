package io.vigil.inference.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Decimals;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Manifest.Decision;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Pccp;
import io.vigil.inference.bundle.Manifest.Performance;
import io.vigil.inference.bundle.Manifest.Safety;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code manifest.json}; reading checks every field and names the first one that
 * is wrong, with its value and what was expected.
 */
public final class ManifestCodec {

  /** The datatypes this version of Vigil runs; OIP names them. */
  public static final Set<String> SUPPORTED_DATATYPES = Set.of("FP32");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  // "\n" line ends on every platform and JDK-independent numbers, so equal manifests are equal
  // bytes.
  private static final Pattern SEMVER =
      Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?");
  private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

  private ManifestCodec() {}

  /** Parses and checks a manifest; a bad one throws {@link Code#MANIFEST_INVALID}. */
  public static Manifest parse(byte[] json) {
    return parse(json, true);
  }

  /**
   * Parses and checks a manifest that a manufacturer is about to build into a bundle: its {@code
   * files} table may be absent and is ignored, since the builder computes it.
   */
  public static Manifest parseDraft(byte[] json) {
    return parse(json, false);
  }

  private static Manifest parse(byte[] json, boolean sealed) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid("manifest.json is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("manifest.json cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("manifest.json: expected a JSON object");
    }
    return read(JsonFields.root(root, m -> invalid("manifest.json: " + m)), sealed);
  }

  /**
   * Writes a manifest as indented JSON with a fixed key order, so equal manifests are equal bytes.
   */
  public static byte[] write(Manifest m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model_id", m.modelId());
    root.put("version", m.version());
    root.put("release", m.release());
    root.put("platform", m.platform());
    root.put("intended_use", m.intendedUse());
    root.put("demo", m.demo());
    ObjectNode pccp = root.putObject("pccp");
    pccp.put("id", m.pccp().id());
    pccp.put("modification", m.pccp().modification());
    writeTensors(root.putArray("inputs"), m.inputs());
    writeTensors(root.putArray("outputs"), m.outputs());
    ObjectNode decision = root.putObject("decision");
    decision.put("output", m.decision().output());
    decision.put("positive_label", m.decision().positiveLabel());
    decision.set("threshold", number(m.decision().threshold()));
    ObjectNode performance = root.putObject("performance");
    performance.put("dataset", m.performance().dataset());
    ArrayNode metrics = performance.putArray("metrics");
    for (Metric metric : m.performance().metrics()) {
      ObjectNode n = metrics.addObject();
      n.put("name", metric.name());
      n.put("subgroup", metric.subgroup());
      n.set("value", number(metric.value()));
      n.set("ci_low", number(metric.ciLow()));
      n.set("ci_high", number(metric.ciHigh()));
      n.set("floor", number(metric.floor()));
    }
    Safety s = m.safety();
    ObjectNode safety = root.putObject("safety");
    safety.put("window_rows", s.windowRows());
    safety.put("min_window_rows", s.minWindowRows());
    safety.set("psi_warn", number(s.psiWarn()));
    safety.set("psi_alert", number(s.psiAlert()));
    safety.set("positive_rate_suspend_ratio", number(s.positiveRateSuspendRatio()));
    safety.put("probation_predictions", s.probationPredictions());
    safety.put("shadow_min_predictions", s.shadowMinPredictions());
    // Written only where the manufacturer chose them, so that bundles from before they existed
    // (the demo's among them) keep their bytes and digests.
    if (s.minOutcomes() != Safety.DEFAULT_MIN_OUTCOMES) {
      safety.put("min_outcomes", s.minOutcomes());
    }
    if (!s.performanceAction().equals(Safety.ALERT)) {
      safety.put("performance_action", s.performanceAction());
    }
    ObjectNode files = root.putObject("files");
    m.files().forEach(files::put);
    return BundleJson.write(root);
  }

  private static DecimalNode number(double value) {
    return new DecimalNode(Decimals.shortest(value));
  }

  private static void writeTensors(ArrayNode array, List<TensorSpec> tensors) {
    for (TensorSpec t : tensors) {
      ObjectNode n = array.addObject();
      n.put("name", t.name());
      n.put("datatype", t.datatype());
      ArrayNode shape = n.putArray("shape");
      t.shape().forEach(shape::add);
      if (!t.features().isEmpty()) {
        ArrayNode features = n.putArray("features");
        for (Feature f : t.features()) {
          ObjectNode fn = features.addObject();
          fn.put("name", f.name());
          fn.put("unit", f.unit());
          fn.set("min", number(f.min()));
          fn.set("max", number(f.max()));
          fn.put("required", f.required());
        }
      }
    }
  }

  private static Manifest read(JsonFields root, boolean sealed) {
    String modelId = root.text("model_id");
    if (!MODEL_ID.matcher(modelId).matches()) {
      throw root.bad("model_id", modelId, "lower-case letters, digits, '.', '_' or '-', 1 to 64");
    }
    String version = root.text("version");
    if (!SEMVER.matcher(version).matches()) {
      throw root.bad("version", version, "a semantic version such as 1.2.0");
    }
    long release = root.integer("release", 1, Long.MAX_VALUE);
    String platform = root.text("platform");
    if (!Manifest.PLATFORM_ONNX.equals(platform)) {
      throw root.bad("platform", platform, "'" + Manifest.PLATFORM_ONNX + "'");
    }
    String intendedUse = root.text("intended_use");
    if (intendedUse.isBlank()) {
      throw root.bad("intended_use", intendedUse, "a statement of intended use");
    }
    boolean demo = root.bool("demo");
    JsonFields pccpNode = root.object("pccp");
    Pccp pccp = new Pccp(pccpNode.text("id"), pccpNode.text("modification"));
    List<TensorSpec> inputs = readTensors(root, "inputs", true);
    List<TensorSpec> outputs = readTensors(root, "outputs", false);
    JsonFields decisionNode = root.object("decision");
    Decision decision =
        new Decision(
            decisionNode.text("output"),
            decisionNode.text("positive_label"),
            decisionNode.number("threshold"));
    if (outputs.stream().noneMatch(o -> o.name().equals(decision.output()))) {
      throw decisionNode.bad("output", decision.output(), "the name of one of the outputs");
    }
    Performance performance = readPerformance(root.object("performance"));
    Safety safety = root.has("safety") ? readSafety(root.object("safety")) : Safety.DEFAULT;
    // A draft's files table, if any, is ignored: the builder computes it.
    SortedMap<String, String> files = sealed ? readFiles(root.object("files")) : new TreeMap<>();
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
        files);
  }

  private static SortedMap<String, String> readFiles(JsonFields filesNode) {
    SortedMap<String, String> files = new TreeMap<>();
    filesNode
        .node()
        .fields()
        .forEachRemaining(
            e -> {
              String name = e.getKey();
              if (!FILE_NAME.matcher(name).matches() || name.equals("manifest.json")) {
                throw filesNode.bad(
                    name, name, "a relative path of plain names, not manifest.json");
              }
              String digest = e.getValue().asText();
              if (!e.getValue().isTextual() || !SHA256.matcher(digest).matches()) {
                throw filesNode.bad(name, e.getValue(), "a lower-case hex sha256 digest");
              }
              files.put(name, digest);
            });
    if (!files.containsKey("model.onnx")) {
      throw invalid("manifest.json: files: expected an entry for model.onnx");
    }
    return files;
  }

  private static List<TensorSpec> readTensors(JsonFields root, String key, boolean withFeatures) {
    List<JsonFields> nodes = root.array(key);
    if (nodes.isEmpty()) {
      throw root.bad(key, "[]", "at least one tensor");
    }
    List<TensorSpec> tensors = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonFields n : nodes) {
      String name = n.text("name");
      if (name.isEmpty() || !names.add(name)) {
        throw n.bad("name", name, "a non-empty name, unique among the " + key);
      }
      String datatype = n.text("datatype");
      if (!SUPPORTED_DATATYPES.contains(datatype)) {
        throw n.bad("datatype", datatype, "one of " + SUPPORTED_DATATYPES);
      }
      List<JsonFields> dims = n.array("shape");
      List<Long> shape = new ArrayList<>();
      for (JsonFields d : dims) {
        if (!d.node().canConvertToLong()) {
          throw invalid("manifest.json: " + d.path() + ": expected an integer, got " + d.node());
        }
        shape.add(d.node().asLong());
      }
      if (shape.size() < 2 || shape.get(0) != -1 || shape.stream().skip(1).anyMatch(x -> x < 1)) {
        throw n.bad("shape", shape, "[-1, width, ...]: rows first, then fixed positive sizes");
      }
      List<Feature> features = new ArrayList<>();
      if (withFeatures) {
        Set<String> featureNames = new HashSet<>();
        for (JsonFields f : n.array("features")) {
          String fname = f.text("name");
          if (fname.isEmpty() || !featureNames.add(fname)) {
            throw f.bad("name", fname, "a non-empty name, unique within the tensor");
          }
          double min = f.number("min");
          double max = f.number("max");
          if (!(max > min)) {
            throw f.bad("max", max, "a number greater than min (" + min + ")");
          }
          features.add(new Feature(fname, f.text("unit"), min, max, f.bool("required")));
        }
        TensorSpec probe = new TensorSpec(name, datatype, shape, List.of());
        if (features.size() != probe.rowWidth()) {
          throw n.bad(
              "features",
              features.size() + " features",
              probe.rowWidth() + " features, one per value of a row of shape " + shape);
        }
      }
      tensors.add(new TensorSpec(name, datatype, shape, features));
    }
    return tensors;
  }

  private static Performance readPerformance(JsonFields n) {
    String dataset = n.text("dataset");
    List<Metric> metrics = new ArrayList<>();
    for (JsonFields m : n.array("metrics")) {
      double value = m.number("value");
      double low = m.number("ci_low");
      double high = m.number("ci_high");
      if (!(low <= value && value <= high)) {
        throw m.bad("value", value, "a value within its interval [" + low + ", " + high + "]");
      }
      metrics.add(
          new Metric(m.text("name"), m.text("subgroup"), value, low, high, m.number("floor")));
    }
    return new Performance(dataset, metrics);
  }

  private static Safety readSafety(JsonFields n) {
    Safety d = Safety.DEFAULT;
    int windowRows = (int) n.integerOr("window_rows", d.windowRows(), 1, 10_000_000);
    int minWindowRows = (int) n.integerOr("min_window_rows", d.minWindowRows(), 1, windowRows);
    double psiWarn = n.numberOr("psi_warn", d.psiWarn());
    double psiAlert = n.numberOr("psi_alert", d.psiAlert());
    if (!(psiAlert >= psiWarn)) {
      throw n.bad("psi_alert", psiAlert, "a number at least psi_warn (" + psiWarn + ")");
    }
    return new Safety(
        windowRows,
        minWindowRows,
        psiWarn,
        psiAlert,
        n.numberOr("positive_rate_suspend_ratio", d.positiveRateSuspendRatio()),
        (int) n.integerOr("probation_predictions", d.probationPredictions(), 0, Integer.MAX_VALUE),
        (int) n.integerOr("shadow_min_predictions", d.shadowMinPredictions(), 0, Integer.MAX_VALUE),
        (int) n.integerOr("min_outcomes", d.minOutcomes(), 1, Integer.MAX_VALUE),
        performanceAction(n));
  }

  private static String performanceAction(JsonFields n) {
    if (!n.has("performance_action")) {
      return Safety.ALERT;
    }
    String action = n.text("performance_action");
    if (!action.equals(Safety.ALERT) && !action.equals(Safety.SUSPEND)) {
      throw n.bad("performance_action", action, "alert or suspend");
    }
    return action;
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(Code.MANIFEST_INVALID, message);
  }
}
