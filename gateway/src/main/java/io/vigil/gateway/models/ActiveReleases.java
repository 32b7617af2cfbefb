package io.vigil.gateway.models;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.trust.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which installed release of each model answers requests that name no version, kept in {@code
 * <data-dir>/models/active.json} so that a rollback outlives a restart: a gateway that rolled back
 * never comes up serving the release it left.
 *
 * <p>A model without an entry is served by its highest release. The file is replaced atomically and
 * forced to the disk before a change is in force; a file that cannot be read stops the start rather
 * than silently serving another release than the one chosen.
 *
 * <p>Format: {@code {"models":{"<model>":{"release":2,"version":"1.0.1","bundle_sha256":"..."}}}};
 * the version and digest say which bundle was chosen, so that a person reading the file, or a start
 * that finds another bundle under that release, can tell.
 */
public final class ActiveReleases {

  /** The file's name, in the model store's directory. */
  public static final String FILE = "active.json";

  /** One model's chosen release, with the bundle it named when it was chosen. */
  public record Choice(long release, String version, String bundleSha256) {}

  private final Path file;
  private final Map<String, Choice> byModel;

  private ActiveReleases(Path file, Map<String, Choice> byModel) {
    this.file = file;
    this.byModel = byModel;
  }

  /** No file: every model served by its highest release, nothing saved (tests, benchmarks). */
  public static ActiveReleases none() {
    return new ActiveReleases(null, new TreeMap<>());
  }

  /**
   * Reads {@code <dataDir>/models/active.json}; a missing file is an empty choice.
   *
   * @throws GatewayException {@code DATA_INVALID} when the file is not what this class writes
   */
  public static ActiveReleases open(Path dataDir) {
    Path file = dataDir.resolve("models").resolve(FILE);
    Map<String, Choice> byModel = new TreeMap<>();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new ActiveReleases(file, byModel);
    } catch (IOException e) {
      throw new GatewayException(
          Code.IO_FAILED, "cannot read the active releases in " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonObject models = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      JsonObject all = models.getJsonObject("models");
      if (all == null) {
        throw new IllegalArgumentException("no \"models\" object");
      }
      for (String model : all.fieldNames()) {
        JsonObject c = all.getJsonObject(model);
        if (c == null
            || c.getLong("release") == null
            || c.getString("version") == null
            || c.getString("bundle_sha256") == null) {
          throw new IllegalArgumentException(
              "model '" + model + "' needs \"release\", \"version\" and \"bundle_sha256\"");
        }
        byModel.put(
            model,
            new Choice(c.getLong("release"), c.getString("version"), c.getString("bundle_sha256")));
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new GatewayException(
          Code.DATA_INVALID,
          file
              + " is not the gateway's record of its active releases ("
              + e.getMessage()
              + "); restore it from a backup, or delete it to serve the highest release of each"
              + " model",
          e);
    }
    return new ActiveReleases(file, byModel);
  }

  /** The release chosen for {@code model}, if one was. */
  public synchronized Optional<Choice> chosen(String model) {
    return Optional.ofNullable(byModel.get(model));
  }

  /**
   * Chooses {@code choice} for {@code model}, on the disk before it returns.
   *
   * @throws GatewayException {@code IO_FAILED} when it cannot be saved; nothing changed then
   */
  public synchronized void choose(String model, Choice choice) {
    Map<String, Choice> next = new TreeMap<>(byModel);
    next.put(model, choice);
    if (file != null) {
      JsonObject all = new JsonObject();
      next.forEach(
          (m, c) ->
              all.put(
                  m,
                  new JsonObject()
                      .put("release", c.release())
                      .put("version", c.version())
                      .put("bundle_sha256", c.bundleSha256())));
      try {
        DurableFiles.replace(
            file,
            (new JsonObject().put("models", all).encodePrettily() + "\n")
                .getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new GatewayException(
            Code.IO_FAILED,
            "cannot save the active release of " + model + " in " + file + ": " + e.getMessage(),
            e);
      }
    }
    byModel.put(model, choice);
  }
}
