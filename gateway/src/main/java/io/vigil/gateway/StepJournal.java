package io.vigil.gateway;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
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
 * One step of an update in progress (an install, a rollback), kept in a file of the model store's
 * directory from before its work starts until its ledger event is committed, as Mender persists
 * each state before its work: a process killed in between leaves the file, so the next start can
 * say in the ledger how that step ended (done, or abandoned) and remove it.
 */
public final class StepJournal {

  private final Path file;

  /** The journal kept in {@code file}. */
  public StepJournal(Path file) {
    this.file = file;
  }

  /** Saves, durably, that the step described by {@code entry} has begun. */
  public void begin(Map<String, Object> entry) {
    try {
      DurableFiles.replace(
          file, new JsonObject(entry).encodePrettily().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GatewayException(Code.IO_FAILED, "cannot write the journal " + file + ": " + e, e);
    }
  }

  /** The step a stopped process left unfinished, if any; an unreadable file reads as one. */
  public Optional<JsonObject> unfinished() {
    try {
      return Optional.of(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | DecodeException e) {
      return Optional.of(new JsonObject().put("journal_unreadable", String.valueOf(e)));
    }
  }

  /** The step is over and recorded, or refused. */
  public void end() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new GatewayException(Code.IO_FAILED, "cannot remove the journal " + file + ": " + e, e);
    }
  }
}
