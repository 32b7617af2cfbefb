package io.vigil.sync.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.sync.command.CommandException.Code;
import io.vigil.trust.DurableFiles;
import io.vigil.trust.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * What a gateway remembers of the commands it accepted: the highest counter and the most recent
 * ids, in one small JSON file replaced atomically (written to a temporary file, fsynced, renamed,
 * and the directory fsynced), so that a replay is refused after a restart too.
 *
 * <p>A file, not SQLite: the state is a number and a few ids, written once per accepted command (a
 * handful a day); a rename is atomic and the fsyncs make it durable, with no native library and no
 * writer thread for it.
 */
public final class ReplayGuard {

  /** How many accepted ids are remembered; the counter refuses every older command anyway. */
  public static final int RECENT_IDS = 256;

  private final Path file;
  private long highestCounter;
  private final Deque<String> recent;
  private final Set<String> recentSet;

  private ReplayGuard(Path file, long highestCounter, Deque<String> recent) {
    this.file = file;
    this.highestCounter = highestCounter;
    this.recent = recent;
    this.recentSet = new HashSet<>(recent);
  }

  /**
   * The guard kept in {@code file}, empty if the file does not exist yet; a file that cannot be
   * read is refused rather than reset, since a reset would let old commands in again.
   */
  public static ReplayGuard open(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new ReplayGuard(file, 0, new ArrayDeque<>());
    } catch (IOException e) {
      throw new CommandException(Code.STORE_FAILED, "cannot read " + file + ": " + e, e);
    }
    try {
      JsonNode node = Json.parse(bytes);
      JsonNode counter = node.get("highest_counter");
      JsonNode ids = node.get("recent_ids");
      if (counter == null || !counter.isIntegralNumber() || counter.longValue() < 0) {
        throw new IllegalArgumentException("highest_counter must be an integer >= 0");
      }
      if (ids == null || !ids.isArray()) {
        throw new IllegalArgumentException("recent_ids must be a list");
      }
      Deque<String> recent = new ArrayDeque<>();
      for (JsonNode id : ids) {
        if (!id.isTextual()) {
          throw new IllegalArgumentException("recent_ids must hold strings");
        }
        recent.addLast(id.textValue());
      }
      return new ReplayGuard(file, counter.longValue(), recent);
    } catch (IllegalArgumentException e) {
      throw new CommandException(
          Code.STORE_FAILED,
          file + " is damaged (" + e.getMessage() + "); refusing every command until it is mended",
          e);
    }
  }

  /** Throws {@link Code#REPLAYED} if {@code command} was accepted before, or an older one. */
  public synchronized void check(Command command) {
    if (recentSet.contains(command.id())) {
      throw new CommandException(
          Code.REPLAYED, "command " + command.id() + " was accepted before: refused as a replay");
    }
    if (command.counter() <= highestCounter) {
      throw new CommandException(
          Code.REPLAYED,
          "command "
              + command.id()
              + " has counter "
              + command.counter()
              + ", not above the highest accepted, "
              + highestCounter
              + ": refused as a replay");
    }
  }

  /**
   * Records {@code command} as accepted, durably, once it was verified and executed; a command
   * accepted since its check is refused with {@link Code#REPLAYED}.
   */
  public synchronized void accept(Command command) {
    check(command);
    Deque<String> next = new ArrayDeque<>(recent);
    next.addLast(command.id());
    while (next.size() > RECENT_IDS) {
      next.removeFirst();
    }
    write(command.counter(), next);
    highestCounter = command.counter();
    recent.clear();
    recent.addAll(next);
    recentSet.clear();
    recentSet.addAll(next);
  }

  /** The highest counter accepted, 0 before the first command. */
  public synchronized long highestCounter() {
    return highestCounter;
  }

  private void write(long counter, Deque<String> ids) {
    ObjectNode node = Json.object();
    node.put("highest_counter", counter);
    ids.forEach(node.putArray("recent_ids")::add);
    byte[] bytes = Json.pretty(node);
    try {
      DurableFiles.replace(file, bytes);
    } catch (IOException e) {
      throw new CommandException(Code.STORE_FAILED, "cannot write " + file + ": " + e, e);
    }
  }
}
