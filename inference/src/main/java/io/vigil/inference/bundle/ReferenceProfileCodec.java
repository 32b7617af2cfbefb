package io.vigil.inference.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.canonical.Decimals;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.ReferenceProfile.Distribution;
import io.vigil.inference.bundle.ReferenceProfile.FeatureProfile;
import io.vigil.inference.bundle.ReferenceProfile.ScoreProfile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Reads and writes {@code reference-profile.json}.
 *
 * <p>Writing uses a fixed key order, {@code \n} line ends and the shortest decimal that reads back
 * as the same FP32 or double value, so equal profiles are equal bytes on every platform and JDK.
 * Reading checks every field and names the first one that is wrong.
 */
public final class ReferenceProfileCodec {

  /** The value of the {@code format} key this version writes and reads. */
  public static final String FORMAT = "vigil-reference-profile/1";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private ReferenceProfileCodec() {}

  /** Writes a profile as indented JSON; equal profiles give equal bytes. */
  public static byte[] write(ReferenceProfile profile) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("rows", profile.rows());
    ArrayNode features = root.putArray("features");
    for (FeatureProfile f : profile.features()) {
      ObjectNode n = features.addObject();
      n.put("name", f.name());
      n.set("null_rate", number(f.nullRate()));
      writeDistribution(n, f.values());
    }
    ScoreProfile s = profile.score();
    ObjectNode score = root.putObject("score");
    score.put("output", s.output());
    score.set("threshold", number(s.threshold()));
    score.set("positive_rate", number(s.positiveRate()));
    writeDistribution(score, s.values());
    return BundleJson.write(root);
  }

  /** Parses and checks a profile; a bad one throws {@link Code#PROFILE_INVALID}. */
  public static ReferenceProfile parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw invalid("is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("expected a JSON object");
    }
    JsonFields r = JsonFields.root(root, ReferenceProfileCodec::invalid);
    String format = r.text("format");
    if (!FORMAT.equals(format)) {
      throw r.bad("format", format, "'" + FORMAT + "'");
    }
    long rows = r.integer("rows");
    List<FeatureProfile> features = new ArrayList<>();
    for (JsonFields f : r.array("features")) {
      features.add(
          f.build(
              () ->
                  new FeatureProfile(f.text("name"), f.number("null_rate"), readDistribution(f))));
    }
    JsonFields s = r.object("score");
    ScoreProfile score =
        s.build(
            () ->
                new ScoreProfile(
                    s.text("output"),
                    s.number("threshold"),
                    s.number("positive_rate"),
                    readDistribution(s)));
    return r.build(() -> new ReferenceProfile(rows, features, score));
  }

  private static void writeDistribution(ObjectNode n, Distribution d) {
    n.put("count", d.count());
    n.set("min", number(d.min()));
    n.set("p0_5", number(d.p0_5()));
    n.set("p99_5", number(d.p99_5()));
    n.set("max", number(d.max()));
    ArrayNode edges = n.putArray("decile_edges");
    d.decileEdges().forEach(e -> edges.add(number(e)));
    ArrayNode proportions = n.putArray("decile_proportions");
    d.decileProportions().forEach(p -> proportions.add(number(p)));
    n.put("kll", d.kll());
  }

  private static Distribution readDistribution(JsonFields n) {
    long count = n.integer("count");
    List<Float> edges = new ArrayList<>();
    for (JsonFields e : n.array("decile_edges")) {
      edges.add(e.fp32());
    }
    List<Double> proportions = new ArrayList<>();
    for (JsonFields p : n.array("decile_proportions")) {
      proportions.add(p.fp64());
    }
    String kll = n.text("kll");
    KllFloatsSketch sketch;
    try {
      sketch = KllFloatsSketch.heapify(Memory.wrap(Base64.getDecoder().decode(kll)));
    } catch (RuntimeException e) {
      throw n.bad("kll", abbreviate(kll), "a base64 serialized KLL floats sketch (" + e + ")");
    }
    if (sketch.getN() != count) {
      throw n.bad("kll", "a sketch of " + sketch.getN() + " values", count + " values, as count");
    }
    return n.build(
        () ->
            new Distribution(
                count,
                n.fp32("min"),
                n.fp32("p0_5"),
                n.fp32("p99_5"),
                n.fp32("max"),
                edges,
                proportions,
                kll));
  }

  private static DecimalNode number(float value) {
    return new DecimalNode(Decimals.shortest(value));
  }

  private static DecimalNode number(double value) {
    return new DecimalNode(Decimals.shortest(value));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(Code.PROFILE_INVALID, ReferenceProfile.FILE + ": " + message);
  }
}
