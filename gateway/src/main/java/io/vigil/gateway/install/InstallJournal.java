package io.vigil.gateway.install;

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

/**
 * The one update being fetched, checked and stored, kept in {@code
 * <data-dir>/models/installing.json} from before its download until it is in the store and
 * recorded: a process killed in between leaves the file, and the next start says in the ledger
 * whether that update was abandoned (nothing of it stored) or kept (stored; the update gate places
 * it).
 */
final class InstallJournal {

  /** The file's name, in the model store's directory. */
  static final String FILE = "installing.json";

  private final Path file;

  InstallJournal(Path storeRoot) {
    this.file = storeRoot.resolve(FILE);
  }

  /** Saves, durably, that the target described by {@code entry} is being installed. */
  void begin(Map<String, Object> entry) {
    try {
      DurableFiles.replace(
          file, new JsonObject(entry).encodePrettily().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GatewayException(
          Code.IO_FAILED, "cannot write the install journal " + file + ": " + e, e);
    }
  }

  /** The install a stopped process left unfinished, if any; an unreadable file reads as one. */
  Optional<JsonObject> unfinished() {
    try {
      return Optional.of(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | DecodeException e) {
      return Optional.of(new JsonObject().put("journal_unreadable", String.valueOf(e)));
    }
  }

  /** The install is over, stored or refused. */
  void end() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new GatewayException(
          Code.IO_FAILED, "cannot remove the install journal " + file + ": " + e, e);
    }
  }
}
