package io.vigil.gateway.models;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.trust.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The slots of each model, kept in {@code <data-dir>/models/slots.json} so that they survive a
 * restart: the <b>active</b> version, which answers requests that name no version; the
 * <b>previous</b> one, which a rollback restores; and the <b>candidate</b>, an update that runs in
 * shadow or waits for approval and never answers a device. Every slot names a bundle of the
 * immutable store by release, version and digest.
 *
 * <p>A change is written to a temporary file, forced to the disk and renamed over the old file
 * before it is in force: a kill at any moment leaves the slots before the change or after it. A
 * model without an entry is served by its highest release. A file that cannot be read stops the
 * start rather than silently serving another release than the one chosen.
 */
public final class Slots {

  /** The file's name, in the model store's directory. */
  public static final String FILE = "slots.json";

  /** A bundle a slot holds. */
  public record Ref(long release, String version, String bundleSha256) {}

  /** Where a candidate stands. */
  public enum Stage {
    /** It runs beside the active version on live traffic until the shadow rule decides. */
    SHADOW,
    /** The shadow rule held; it waits for a local operator's approval. */
    AWAITING_APPROVAL,
    /** An operator held it: it stays out of service until approved. */
    HELD;

    /** {@code shadow}, {@code awaiting-approval}, {@code held}. */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Stage of(String name) {
      for (Stage s : values()) {
        if (s.jsonName().equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown candidate stage '" + name + "'");
    }
  }

  /** A candidate: its bundle, its stage, since when, and whether it promotes itself. */
  public record Candidate(Ref bundle, Stage stage, Instant since, boolean automatic) {
    /** This candidate at another stage from {@code at}. */
    public Candidate at(Stage next, Instant at) {
      return new Candidate(bundle, next, at, automatic);
    }
  }

  /**
   * The probation of a version promoted at {@code since}: until {@code predictions} answers, an
   * alert or a suspension of it rolls back to the previous version.
   */
  public record Probation(Ref bundle, Instant since, long predictions) {}

  /**
   * One model's slots, and the versions retired from service (a candidate that failed its shadow
   * run, a version rolled back from), which never become candidates again.
   */
  public record Model(
      Optional<Ref> active,
      Optional<Ref> previous,
      Optional<Candidate> candidate,
      Optional<Probation> probation,
      List<Ref> retired) {

    static final Model EMPTY =
        new Model(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    public Model {
      retired = List.copyOf(retired);
    }

    public Model withActive(Optional<Ref> a) {
      return new Model(a, previous, candidate, probation, retired);
    }

    public Model withPrevious(Optional<Ref> p) {
      return new Model(active, p, candidate, probation, retired);
    }

    public Model withCandidate(Optional<Candidate> c) {
      return new Model(active, previous, c, probation, retired);
    }

    public Model withProbation(Optional<Probation> p) {
      return new Model(active, previous, candidate, p, retired);
    }

    /** These slots with {@code r} retired too. */
    public Model retiring(Ref r) {
      if (retired.contains(r)) {
        return this;
      }
      List<Ref> next = new ArrayList<>(retired);
      next.add(r);
      return new Model(active, previous, candidate, probation, next);
    }

    /** Whether {@code r} was retired from service. */
    public boolean isRetired(Ref r) {
      return retired.contains(r);
    }
  }

  private final Path file;
  private final Map<String, Model> byModel;

  private Slots(Path file, Map<String, Model> byModel) {
    this.file = file;
    this.byModel = byModel;
  }

  /** No file: every model served by its highest release, nothing saved (benchmarks). */
  public static Slots none() {
    return new Slots(null, new TreeMap<>());
  }

  /**
   * Reads {@code <dataDir>/models/slots.json}; a missing file is empty slots.
   *
   * @throws GatewayException {@code DATA_INVALID} when the file is not what this class writes
   */
  public static Slots open(Path dataDir) {
    Path file = dataDir.resolve("models").resolve(FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Slots(file, new TreeMap<>());
    } catch (IOException e) {
      throw new GatewayException(
          Code.IO_FAILED, "cannot read the model slots in " + file + ": " + e.getMessage(), e);
    }
    Map<String, Model> byModel = new TreeMap<>();
    try {
      JsonObject all = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      JsonObject models = all.getJsonObject("models");
      if (models == null) {
        throw new IllegalArgumentException("no \"models\" object");
      }
      for (String model : models.fieldNames()) {
        JsonObject m = models.getJsonObject(model);
        byModel.put(
            model,
            new Model(
                ref(m.getJsonObject("active"), model + ".active"),
                ref(m.getJsonObject("previous"), model + ".previous"),
                candidate(m.getJsonObject("candidate"), model + ".candidate"),
                probation(m.getJsonObject("probation"), model + ".probation"),
                retired(m.getJsonArray("retired"), model + ".retired")));
      }
    } catch (DecodeException
        | ClassCastException
        | IllegalArgumentException
        | DateTimeParseException e) {
      throw new GatewayException(
          Code.DATA_INVALID,
          file
              + " is not the gateway's record of its model slots ("
              + e.getMessage()
              + "); restore it from a backup, or delete it to serve the highest release of each"
              + " model with no candidate",
          e);
    }
    return new Slots(file, byModel);
  }

  /** The slots of {@code model}; empty slots for a model never seen. */
  public synchronized Model of(String model) {
    return byModel.getOrDefault(model, Model.EMPTY);
  }

  /** Every model with slots. */
  public synchronized Map<String, Model> all() {
    return Map.copyOf(byModel);
  }

  /**
   * Changes {@code model}'s slots, on the disk before it returns.
   *
   * @return the slots after the change
   * @throws GatewayException {@code IO_FAILED} when they cannot be saved; nothing changed then
   */
  public synchronized Model update(String model, UnaryOperator<Model> change) {
    Model next = change.apply(of(model));
    Map<String, Model> all = new TreeMap<>(byModel);
    all.put(model, next);
    if (file != null) {
      try {
        DurableFiles.replace(file, encode(all));
      } catch (IOException e) {
        throw new GatewayException(
            Code.IO_FAILED,
            "cannot save the slots of " + model + " in " + file + ": " + e.getMessage(),
            e);
      }
    }
    byModel.put(model, next);
    return next;
  }

  private static byte[] encode(Map<String, Model> all) {
    JsonObject models = new JsonObject();
    all.forEach(
        (name, m) -> {
          JsonObject o = new JsonObject();
          m.active().ifPresent(r -> o.put("active", json(r)));
          m.previous().ifPresent(r -> o.put("previous", json(r)));
          m.candidate()
              .ifPresent(
                  c ->
                      o.put(
                          "candidate",
                          json(c.bundle())
                              .put("stage", c.stage().jsonName())
                              .put("since", c.since().toString())
                              .put("automatic", c.automatic())));
          m.probation()
              .ifPresent(
                  p ->
                      o.put(
                          "probation",
                          json(p.bundle())
                              .put("since", p.since().toString())
                              .put("predictions", p.predictions())));
          if (!m.retired().isEmpty()) {
            JsonArray retired = new JsonArray();
            m.retired().forEach(r -> retired.add(json(r)));
            o.put("retired", retired);
          }
          models.put(name, o);
        });
    return (new JsonObject().put("models", models).encodePrettily() + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject json(Ref r) {
    return new JsonObject()
        .put("release", r.release())
        .put("version", r.version())
        .put("bundle_sha256", r.bundleSha256());
  }

  private static Optional<Ref> ref(JsonObject o, String where) {
    if (o == null) {
      return Optional.empty();
    }
    if (o.getLong("release") == null
        || o.getString("version") == null
        || o.getString("bundle_sha256") == null) {
      throw new IllegalArgumentException(
          where + " needs \"release\", \"version\" and \"bundle_sha256\"");
    }
    return Optional.of(
        new Ref(o.getLong("release"), o.getString("version"), o.getString("bundle_sha256")));
  }

  private static List<Ref> retired(JsonArray a, String where) {
    List<Ref> refs = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        refs.add(ref(a.getJsonObject(i), where + "[" + i + "]").orElseThrow());
      }
    }
    return refs;
  }

  private static Optional<Candidate> candidate(JsonObject o, String where) {
    return ref(o, where)
        .map(
            r ->
                new Candidate(
                    r,
                    Stage.of(required(o, "stage", where)),
                    Instant.parse(required(o, "since", where)),
                    Boolean.TRUE.equals(o.getBoolean("automatic"))));
  }

  private static Optional<Probation> probation(JsonObject o, String where) {
    return ref(o, where)
        .map(
            r -> {
              Long predictions = o.getLong("predictions");
              if (predictions == null) {
                throw new IllegalArgumentException(where + " needs \"predictions\"");
              }
              return new Probation(r, Instant.parse(required(o, "since", where)), predictions);
            });
  }

  private static String required(JsonObject o, String key, String where) {
    String v = o.getString(key);
    if (v == null) {
      throw new IllegalArgumentException(where + " needs \"" + key + "\"");
    }
    return v;
  }
}
