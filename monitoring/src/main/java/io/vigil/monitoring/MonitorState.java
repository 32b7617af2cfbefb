package io.vigil.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.monitoring.WindowResult.FeatureResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A model version's monitoring state in one JSON file, written atomically and fsynced. */
final class MonitorState {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  MonitorState(Path file) {
    this.file = file;
  }

  /** What survives a restart. */
  record Saved(
      String modelId,
      String version,
      SafetyLevel level,
      List<String> reasons,
      long windowIndex,
      double cusumUp,
      double cusumDown,
      int outsideLimits,
      long baselineRows,
      long baselinePositives,
      int baselineWindows,
      Window.Persisted window,
      List<WindowResult> history) {}

  void save(Saved s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model_id", s.modelId());
    root.put("version", s.version());
    root.put("level", s.level().name());
    s.reasons().forEach(root.putArray("reasons")::add);
    root.put("window_index", s.windowIndex());
    root.put("cusum_up", s.cusumUp());
    root.put("cusum_down", s.cusumDown());
    root.put("outside_limits", s.outsideLimits());
    root.put("baseline_rows", s.baselineRows());
    root.put("baseline_positives", s.baselinePositives());
    root.put("baseline_windows", s.baselineWindows());
    ObjectNode w = root.putObject("open_window");
    Window.Persisted p = s.window();
    w.put("opened", p.opened().toString());
    p.sketches().forEach(w.putArray("sketches")::add);
    ArrayNode bins = w.putArray("bins");
    for (long[] b : p.bins()) {
      longs(bins.addArray(), b);
    }
    longs(w.putArray("out_of_distribution"), p.outOfDistribution());
    longs(w.putArray("out_of_range"), p.outOfRange());
    w.put("score_sketch", p.scoreSketch());
    longs(w.putArray("score_bins"), p.scoreBins());
    w.put("rows", p.rows());
    w.put("missing_rows", p.missingRows());
    w.put("positives", p.positives());
    ArrayNode history = root.putArray("windows");
    s.history().forEach(r -> history.add(windowJson(r)));
    write(root);
  }

  Optional<Saved> load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failed("cannot read " + file + ": " + e, e);
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      JsonNode w = root.required("open_window");
      List<String> sketches = new ArrayList<>();
      w.required("sketches").forEach(n -> sketches.add(n.asText()));
      List<long[]> bins = new ArrayList<>();
      w.required("bins").forEach(n -> bins.add(longs(n)));
      Window.Persisted window =
          new Window.Persisted(
              Instant.parse(w.required("opened").asText()),
              sketches,
              bins.toArray(long[][]::new),
              longs(w.required("out_of_distribution")),
              longs(w.required("out_of_range")),
              w.required("score_sketch").asText(),
              longs(w.required("score_bins")),
              w.required("rows").asLong(),
              w.required("missing_rows").asLong(),
              w.required("positives").asLong());
      List<String> reasons = new ArrayList<>();
      root.path("reasons").forEach(n -> reasons.add(n.asText()));
      List<WindowResult> history = new ArrayList<>();
      root.path("windows").forEach(n -> history.add(window(n)));
      return Optional.of(
          new Saved(
              root.required("model_id").asText(),
              root.required("version").asText(),
              SafetyLevel.valueOf(root.required("level").asText()),
              reasons,
              root.required("window_index").asLong(),
              root.required("cusum_up").asDouble(),
              root.required("cusum_down").asDouble(),
              root.required("outside_limits").asInt(),
              root.path("baseline_rows").asLong(),
              root.path("baseline_positives").asLong(),
              root.path("baseline_windows").asInt(),
              window,
              history));
    } catch (IOException | RuntimeException e) {
      throw failed(
          "the monitoring state "
              + file
              + " is damaged ("
              + e.getMessage()
              + "); move it aside to start the model's monitoring afresh",
          e);
    }
  }

  static JsonNode windowJson(WindowResult r) {
    return JSON.valueToTree(r.toMap());
  }

  private static WindowResult window(JsonNode n) {
    List<String> reasons = new ArrayList<>();
    n.path("reasons").forEach(r -> reasons.add(r.asText()));
    List<FeatureResult> features = new ArrayList<>();
    n.required("features").forEach(f -> features.add(feature(f)));
    return new WindowResult(
        n.required("index").asLong(),
        Instant.parse(n.required("opened").asText()),
        Instant.parse(n.required("closed").asText()),
        n.required("rows").asLong(),
        n.required("missing_rows").asLong(),
        n.required("verdict").asBoolean(),
        features,
        feature(n.required("score")),
        n.required("positive_rate").asDouble(),
        n.required("reference_positive_rate").asDouble(),
        n.required("positive_lower").asDouble(),
        n.required("positive_upper").asDouble(),
        new double[] {n.required("cusum_up").asDouble(), n.required("cusum_down").asDouble()},
        SafetyLevel.valueOf(n.required("level").asText().toUpperCase(java.util.Locale.ROOT)),
        reasons);
  }

  private static FeatureResult feature(JsonNode f) {
    return new FeatureResult(
        f.required("name").asText(),
        f.required("psi").asDouble(),
        f.required("psi_noise").asDouble(),
        f.required("ks_delta").asDouble(),
        f.required("ks_threshold").asDouble(),
        f.required("out_of_distribution_rate").asDouble(),
        f.required("out_of_range_rate").asDouble(),
        f.required("drifts").asBoolean());
  }

  private static void longs(ArrayNode a, long[] values) {
    for (long v : values) {
      a.add(v);
    }
  }

  private static long[] longs(JsonNode a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asLong();
    }
    return out;
  }

  private void write(ObjectNode root) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(JSON.writeValueAsBytes(root));
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw failed("cannot write the monitoring state " + file + ": " + e, e);
    }
  }

  private static MonitoringException failed(String message, Throwable cause) {
    return new MonitoringException(MonitoringException.Code.STATE_FAILED, message, cause);
  }
}
