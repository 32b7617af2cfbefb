package io.vigil.audit;

import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to a ledger on its own read-only connection, for the gateway and for the {@code vigil
 * audit} commands; it runs beside a writing gateway without blocking it (WAL).
 *
 * <p>Every method sees one consistent snapshot. A reader is safe to share between threads, which
 * take turns; open one reader per thread for parallel reads.
 */
public final class LedgerReader implements AutoCloseable {

  private final LedgerStore store;

  private LedgerReader(LedgerStore store) {
    this.store = store;
  }

  /** Opens the ledger at this path, its segments in the default directory. */
  public static LedgerReader open(Path database) {
    return open(database, LedgerOptions.defaultSegmentDirectory(database));
  }

  /**
   * Opens the ledger at this path with its segments in this directory.
   *
   * @throws AuditException {@code DAMAGED} if its files are damaged (a header, a truncated file, a
   *     write-ahead log of another database) or it is missing while its write-ahead log or segments
   *     remain; {@code READ_FAILED} if it cannot be read
   */
  public static LedgerReader open(Path database, Path segmentDirectory) {
    LedgerFiles.inspect(database, segmentDirectory, false);
    return new LedgerReader(
        LedgerStore.open(database, segmentDirectory, LedgerOptions.DEFAULT_BUSY_TIMEOUT));
  }

  /**
   * Opens the ledger at this path for a look that leaves no trace: when no process has it open (no
   * write-ahead log), SQLite is told the file cannot change and creates no {@code -wal} or {@code
   * -shm} file, which a command run as root would leave owned by root where the service writes.
   */
  public static LedgerReader openUntouched(Path database) {
    Path segments = LedgerOptions.defaultSegmentDirectory(database);
    LedgerFiles.inspect(database, segments, false);
    boolean inUse =
        java.nio.file.Files.exists(database.resolveSibling(database.getFileName() + "-wal"));
    return new LedgerReader(
        LedgerStore.open(database, segments, LedgerOptions.DEFAULT_BUSY_TIMEOUT, !inUse));
  }

  /**
   * Re-checks the newest entries, at most 1024 after the latest checkpoint, against the stored tree
   * and that checkpoint's root, as the writer does when it opens the ledger: cheap whatever the
   * ledger's size.
   *
   * @throws AuditException {@code DAMAGED} naming the first thing that does not hold
   */
  public synchronized void checkTail() {
    store.snapshot(
        () ->
            TailCheck.run(
                store.connection(),
                store.database(),
                store.size(),
                store.latestCheckpoint().orElse(null)));
  }

  /** The origin the ledger was created for. */
  public String origin() {
    return store.origin();
  }

  /** The number of entries, archived ones included. */
  public synchronized long size() {
    return store.snapshot(store::size);
  }

  /** The latest stored checkpoint, as stored: {@link #verify} checks its signature. */
  public synchronized Optional<Checkpoint> latestCheckpoint() {
    return store.snapshot(store::latestCheckpoint);
  }

  /**
   * Every stored checkpoint, smallest first, as stored: {@link #verify} checks their signatures.
   */
  public synchronized List<Checkpoint> checkpoints() {
    return store.snapshot(
        () -> {
          List<Checkpoint> out = new ArrayList<>();
          for (LedgerStore.CheckpointRow row : store.checkpointRows()) {
            out.add(Checkpoint.parseUnverified(row.note()));
          }
          return List.copyOf(out);
        });
  }

  /** The archive segments, oldest first. */
  public synchronized List<Segment> segments() {
    return store.snapshot(store::segments);
  }

  /**
   * The entries {@code from} to {@code to - 1}, parsed, stored inputs included; archived entries
   * are read from their segments. Page through a long ledger in ranges of a few thousand.
   */
  public synchronized List<StoredEntry> entries(long from, long to) {
    checkRange(from, to);
    return store.snapshot(
        () -> {
          requireEntries(to, store.size());
          List<StoredEntry> out = new ArrayList<>((int) Math.min(to - from, 1 << 16));
          for (byte[] canonical : store.canonical(from, to)) {
            out.add(EntryCodec.decodeStored(from + out.size(), canonical));
          }
          return List.copyOf(out);
        });
  }

  /**
   * The entries whose ref is {@code ref}, a prediction's request id or an event's type, oldest
   * first, through the ledger's index on it; entries already archived into segments are not found.
   */
  public synchronized List<StoredEntry> byRef(String ref) {
    return byRefs(List.of(ref)).get(ref);
  }

  /**
   * {@link #byRef} for each of {@code refs} in one read snapshot: every ref a key, with its
   * entries, or none.
   */
  public synchronized Map<String, List<StoredEntry>> byRefs(Collection<String> refs) {
    return store.snapshot(() -> Collections.unmodifiableMap(store.byRefs(refs)));
  }

  /** The RFC 9162 root hash of the first {@code treeSize} entries. */
  public synchronized Hash root(long treeSize) {
    return store.snapshot(
        () -> {
          requireEntries(treeSize, store.size());
          return Hash.wrap(new Merkle(store).root(treeSize));
        });
  }

  /** The inclusion proof of entry {@code seq} in the tree of the first {@code treeSize} entries. */
  public synchronized InclusionProof inclusionProof(long seq, long treeSize) {
    if (seq < 0 || seq >= treeSize) {
      throw new IllegalArgumentException("seq " + seq + " is not below tree size " + treeSize);
    }
    return store.snapshot(
        () -> {
          requireEntries(treeSize, store.size());
          return inclusion(new Merkle(store), seq, treeSize);
        });
  }

  /** The consistency proof from the tree of {@code oldSize} entries to that of {@code newSize}. */
  public synchronized ConsistencyProof consistencyProof(long oldSize, long newSize) {
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException(
          "need 0 <= oldSize <= newSize: " + oldSize + ", " + newSize);
    }
    return store.snapshot(
        () -> {
          requireEntries(newSize, store.size());
          return new ConsistencyProof(
              oldSize,
              newSize,
              InclusionProof.wrap(new Merkle(store).consistency(oldSize, newSize)));
        });
  }

  /**
   * Entry {@code seq} with its inclusion proof against the latest checkpoint.
   *
   * @throws AuditException {@code NOT_FOUND} if no checkpoint covers the entry yet
   */
  public synchronized EntryProof prove(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("seq < 0");
    }
    return store.snapshot(
        () -> {
          Checkpoint c = covering(seq + 1);
          return proof(new Merkle(store), seq, store.canonical(seq, seq + 1).get(0), c);
        });
  }

  /**
   * Writes entries {@code from} to {@code to - 1} as JSON Lines, each line an entry with its
   * inclusion proof against the latest checkpoint ({@link EntryProof#toJson}); stops at the end of
   * what that checkpoint covers and returns the number of lines written.
   */
  public synchronized long export(long from, long to, Writer out) {
    checkRange(from, to);
    return store.snapshot(
        () -> {
          Checkpoint c = covering(from);
          long end = Math.min(to, c.size());
          Merkle merkle = new Merkle(store);
          long written = 0;
          for (long page = from; page < end; page += 1024) {
            long pageEnd = Math.min(end, page + 1024);
            List<byte[]> entries = store.canonical(page, pageEnd);
            for (int i = 0; i < entries.size(); i++) {
              out.write(proof(merkle, page + i, entries.get(i), c).toJson());
              out.write('\n');
              written++;
            }
          }
          out.flush();
          return written;
        });
  }

  /**
   * Recomputes and checks the whole ledger with the signer's public key, after SQLite's own check
   * of the file ({@code quick_check}).
   */
  public synchronized VerifyReport verify(VerifierKey key) {
    return store.snapshot(() -> new Verifier(store, key).run(null));
  }

  /**
   * As {@link #verify(VerifierKey)}, and checks that the ledger still holds a checkpoint kept
   * elsewhere (the manufacturer's copy): not truncated, not restored from an older copy, not
   * rewritten.
   */
  public synchronized VerifyReport verify(VerifierKey key, Checkpoint held) {
    return store.snapshot(() -> new Verifier(store, key).run(held.note()));
  }

  @Override
  public synchronized void close() {
    store.close();
  }

  private Checkpoint covering(long size) throws java.sql.SQLException {
    Checkpoint c =
        store
            .latestCheckpoint()
            .orElseThrow(
                () ->
                    new AuditException(
                        AuditException.Code.NOT_FOUND, "the ledger has no checkpoint yet"));
    if (size > c.size()) {
      throw new AuditException(
          AuditException.Code.NOT_FOUND,
          "entry "
              + (size - 1)
              + " is not covered by the latest checkpoint, which covers "
              + c.size()
              + " entries; wait for the next checkpoint");
    }
    return c;
  }

  private static EntryProof proof(Merkle merkle, long seq, byte[] canonical, Checkpoint c) {
    InclusionProof inclusion = inclusion(merkle, seq, c.size());
    if (!java.security.MessageDigest.isEqual(
        Digests.leaf(canonical), inclusion.leafHash().unsafeBytes())) {
      throw new AuditException(
          AuditException.Code.CORRUPT, "entry " + seq + " does not hash to its leaf; run verify");
    }
    return EntryProof.of(canonical, inclusion, c);
  }

  private static InclusionProof inclusion(Merkle merkle, long seq, long treeSize) {
    return new InclusionProof(
        seq,
        treeSize,
        Hash.wrap(merkle.hash(seq, seq + 1)),
        InclusionProof.wrap(merkle.inclusion(seq, treeSize)));
  }

  private static void checkRange(long from, long to) {
    if (from < 0 || from > to) {
      throw new IllegalArgumentException("need 0 <= from <= to: " + from + ", " + to);
    }
  }

  private static void requireEntries(long count, long size) {
    if (count > size) {
      throw new AuditException(
          AuditException.Code.NOT_FOUND, "the ledger holds " + size + " entries, not " + count);
    }
  }
}
