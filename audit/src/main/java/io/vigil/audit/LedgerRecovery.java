package io.vigil.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The way out of a damaged ledger ({@code vigil audit recover}): moves its files aside, intact, and
 * starts a new ledger whose first entry, a {@code ledger.continued} event, names the old one's
 * folder, the SHA-256 of each moved file and its last checkpoint that still verifies, so that an
 * inspector can follow one chain from the old history into the new.
 */
public final class LedgerRecovery {

  /**
   * The folder of a moved ledger is named this, then the UTC time: ledger-damaged-20260301T080000Z.
   */
  public static final String FOLDER_PREFIX = "ledger-damaged-";

  /** The event that opens the new ledger. */
  public static final String CONTINUED = "ledger.continued";

  private static final DateTimeFormatter FOLDER_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * What a recovery did.
   *
   * @param folder where the old ledger's files are now, next to the database
   * @param files every moved file, by its path inside the folder, with its SHA-256 (hex)
   * @param lastVerified the old ledger's newest checkpoint that still verifies, if any
   * @param continued the receipt of the new ledger's first entry, the {@code ledger.continued}
   *     event
   */
  public record Result(
      Path folder,
      Map<String, String> files,
      Optional<Checkpoint> lastVerified,
      Receipt continued) {
    public Result {
      Objects.requireNonNull(folder, "folder");
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
      Objects.requireNonNull(lastVerified, "lastVerified");
      Objects.requireNonNull(continued, "continued");
    }
  }

  private LedgerRecovery() {}

  /**
   * The newest stored checkpoint of the ledger whose signature verifies with the key and whose root
   * is that of the tree recomputed from its entries, as far as they can be read; the files are only
   * read, never changed.
   */
  public static Optional<Checkpoint> lastVerifiedCheckpoint(
      Path database, Path segmentDirectory, VerifierKey key) {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(segmentDirectory, "segmentDirectory");
    Objects.requireNonNull(key, "key");
    return LastVerified.find(database, segmentDirectory, key);
  }

  /**
   * Moves the ledger's database, its {@code -wal} and {@code -shm} files and its segment files into
   * a new folder {@code ledger-damaged-<UTC time>} next to the database, intact, then creates a new
   * ledger at the same place whose first entry is a {@code ledger.continued} event by {@code
   * actor}, and closes it.
   *
   * @throws AuditException {@code IN_USE} if a writer has the ledger open, {@code NOT_FOUND} if
   *     there is nothing to move, {@code WRITE_FAILED} if the files cannot be moved
   */
  public static Result recover(
      LedgerOptions options, NoteSigner signer, Clock clock, String actor) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(clock, "clock");
    PredictionEntry.requireText(actor, "actor");
    Path database = options.database();
    Path folder;
    Map<String, String> files;
    try (WriterLock lock = WriterLock.acquire(database)) {
      List<Path[]> moves = moves(options);
      if (moves.isEmpty()) {
        throw new AuditException(
            AuditException.Code.NOT_FOUND, "there is no ledger at " + database + " to recover");
      }
      folder = newFolder(database, clock);
      files = moveAll(moves, folder);
    } catch (IOException e) {
      throw new AuditException(
          AuditException.Code.WRITE_FAILED,
          "could not move the ledger " + database + " aside: " + e.getMessage(),
          e);
    }
    Optional<Checkpoint> lastVerified =
        LastVerified.find(
            folder.resolve(database.getFileName()),
            folder.resolve(options.segmentDirectory().getFileName()),
            signer.verifierKey());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("previous_ledger", folder.getFileName().toString());
    details.put("files", files);
    details.put(
        "last_verified_checkpoint", lastVerified.map(LedgerRecovery::describe).orElse(null));
    Receipt continued;
    try (Ledger ledger = Ledger.open(options, signer, clock)) {
      continued = ledger.append(EventEntry.of(CONTINUED, actor, details)).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof AuditException a ? a : e;
    }
    return new Result(folder, files, lastVerified, continued);
  }

  private static Map<String, Object> describe(Checkpoint c) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("origin", c.origin());
    d.put("size", c.size());
    d.put("root", c.root().base64());
    d.put("note", c.note());
    return d;
  }

  /** Each file to move, with where it goes relative to the new folder. */
  private static List<Path[]> moves(LedgerOptions options) throws IOException {
    Path database = options.database();
    List<Path[]> moves = new ArrayList<>();
    for (Path file : List.of(database, LedgerFiles.wal(database), LedgerFiles.shm(database))) {
      if (Files.exists(file)) {
        moves.add(new Path[] {file, file.getFileName()});
      }
    }
    Path segments = options.segmentDirectory();
    if (Files.isDirectory(segments)) {
      try (var listing = Files.list(segments)) {
        for (Path file : listing.sorted().toList()) {
          moves.add(new Path[] {file, segments.getFileName().resolve(file.getFileName())});
        }
      }
    }
    return moves;
  }

  private static Path newFolder(Path database, Clock clock) throws IOException {
    Path parent = SqliteErrors.folder(database);
    String name = FOLDER_PREFIX + FOLDER_TIME.format(clock.instant());
    Path folder = parent.resolve(name);
    for (int n = 2; Files.exists(folder); n++) {
      folder = parent.resolve(name + "-" + n);
    }
    return Files.createDirectory(folder);
  }

  /** Hashes and moves each file; returns the hashes by path inside the folder. */
  private static Map<String, String> moveAll(List<Path[]> moves, Path folder) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    List<Path> touched = new ArrayList<>(List.of(folder, folder.getParent()));
    for (Path[] move : moves) {
      Path target = folder.resolve(move[1]);
      Files.createDirectories(target.getParent());
      files.put(move[1].toString().replace('\\', '/'), Digests.file(move[0]));
      try {
        Files.move(move[0], target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        // Another file system (a segment directory elsewhere): copied, synced, then removed.
        Files.copy(move[0], target, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.delete(move[0]);
      }
      if (!touched.contains(target.getParent())) {
        touched.add(target.getParent());
      }
      if (!touched.contains(move[0].getParent())) {
        touched.add(move[0].getParent());
      }
    }
    for (Path dir : touched) {
      if (!dir.startsWith(folder) && isEmptyDirectory(dir)) {
        Files.delete(dir);
      } else {
        syncDirectory(dir);
      }
    }
    syncDirectory(folder.getParent());
    return files;
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    try (var listing = Files.list(dir)) {
      return listing.findAny().isEmpty();
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every file system lets a directory be opened; the moves are renames.
    }
  }
}
