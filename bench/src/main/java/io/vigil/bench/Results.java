package io.vigil.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Everything one run measured: the machine, the rows, the targets and the profile's summary. */
final class Results {

  private final JsonObject machine;
  private final List<Row> rows = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private final List<String> hotPath = new ArrayList<>();

  Results(JsonObject machine) {
    this.machine = machine;
  }

  void add(Row row) {
    rows.add(row);
    System.out.println("bench: " + MarkdownReport.line(row));
  }

  void addAll(List<Row> more) {
    more.forEach(this::add);
  }

  void target(Target t) {
    targets.add(t);
  }

  void hotPath(List<String> lines) {
    hotPath.addAll(lines);
  }

  Optional<Row> row(String id) {
    return rows.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  JsonObject machine() {
    return machine;
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  List<Target> targets() {
    return List.copyOf(targets);
  }

  List<String> hotPath() {
    return List.copyOf(hotPath);
  }

  /** The machine-readable form: results.json. */
  JsonObject toJson() {
    JsonArray r = new JsonArray();
    for (Row row : rows) {
      JsonObject metrics = new JsonObject();
      row.metrics().forEach((k, v) -> metrics.put(k, Double.isFinite(v) ? v : null));
      r.add(
          new JsonObject()
              .put("id", row.id())
              .put("label", row.label())
              .put("metrics", metrics)
              .put("note", row.note()));
    }
    JsonArray t = new JsonArray();
    for (Target target : targets) {
      t.add(
          new JsonObject()
              .put("name", target.name())
              .put("goal", target.goal())
              .put("measured", target.measured())
              .put("holds", target.holds().orElse(null))
              .put("guarded", target.isGuarded() ? target.key() : null)
              .put("value", Double.isFinite(target.value()) ? target.value() : null));
    }
    return new JsonObject()
        .put("machine", machine)
        .put("rows", r)
        .put("targets", t)
        .put("hot_path", new JsonArray(hotPath));
  }
}
