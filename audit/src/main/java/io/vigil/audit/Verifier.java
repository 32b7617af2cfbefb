package io.vigil.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recomputes the ledger from its entries and checks everything stored against it: archive segments,
 * entries, leaves, every stored subtree node, every checkpoint, and optionally a checkpoint held
 * elsewhere.
 */
final class Verifier {

  private final LedgerStore store;
  private final VerifierKey key;
  private final Findings findings = new Findings();
  private final Map<Long, byte[]> segmentRoots = new HashMap<>();
  private final List<String[]> sealedCheckpoints = new ArrayList<>();
  private long entries;
  private long segments;

  Verifier(LedgerStore store, VerifierKey key) {
    this.store = store;
    this.key = key;
  }

  /** Runs inside the store's snapshot; held is the note of a checkpoint kept elsewhere, or null. */
  VerifyReport run(String held) throws SQLException, IOException {
    Optional<String> damage = Damage.quickCheck(store.connection());
    if (damage.isEmpty()) {
      return check(held);
    }
    AuditException damaged =
        Damage.of(store.database(), "SQLite's quick_check reports " + damage.get());
    findings.fail("database " + store.database(), damaged.getMessage());
    try {
      return check(held);
    } catch (SQLException | IOException | RuntimeException e) {
      // A damaged file stops the recomputation where it cannot be read; the report says so.
      findings.fail(
          "database " + store.database(), "cannot be read further: " + SqliteErrors.message(e));
      return new VerifyReport(entries, entries, 0, segments, findings.failures());
    }
  }

  private VerifyReport check(String held) throws SQLException, IOException {
    long archivedEnd = segments();
    long size = entries(archivedEnd);
    LevelCheck.check(
        store.connection(), size, archivedEnd, store.segmentLevel(), segmentRoots, findings);
    CheckpointCheck checkpoints =
        new CheckpointCheck(new Merkle(store), key, store.origin(), size, findings);
    checkpoints.table(store.checkpointRows());
    for (String[] sealed : sealedCheckpoints) {
      checkpoints.other(sealed[0], sealed[1]);
    }
    if (held != null) {
      checkpoints.other("held checkpoint", held);
    }
    return new VerifyReport(size, entries, checkpoints.checked(), segments, findings.failures());
  }

  /** Checks the segments in order; returns the sequence number after the last archived entry. */
  private long segments() {
    int k = store.segmentLevel();
    long end = 0;
    for (Segment s : store.segments()) {
      segments++;
      String subject = s.toString();
      if (s.level() != k || s.count() != 1L << k || s.firstSeq() != end || s.index() != end >>> k) {
        findings.fail(subject, "its row does not follow the previous segment");
        end = s.endSeq();
        continue;
      }
      end = s.endSeq();
      Path file = store.segmentDirectory().resolve(s.file());
      if (!Files.isRegularFile(file)) {
        findings.fail(subject, "its file " + file + " is missing");
        continue;
      }
      try {
        String sha = Digests.file(file);
        if (!sha.equals(s.sha256())) {
          findings.fail(
              subject,
              "its file's SHA-256 is " + sha + ", not the " + s.sha256() + " it had when sealed");
          continue;
        }
        Frontier tree = new Frontier();
        SegmentFile.Read read =
            SegmentFile.read(
                file,
                (seq, bytes) -> {
                  entries++;
                  EntryCheck.check(seq, bytes, null, findings);
                  tree.append(Digests.leaf(bytes), (level, index, hash) -> {});
                });
        byte[] root = tree.root();
        segmentRoots.put(s.index(), root);
        header(s, read.header(), root);
      } catch (IOException | RuntimeException e) {
        findings.fail(subject, "its file cannot be read: " + e.getMessage());
      }
    }
    return end;
  }

  private void header(Segment s, SegmentFile.Header h, byte[] root) {
    String subject = s.toString();
    if (!MessageDigest.isEqual(root, s.root().unsafeBytes())) {
      findings.fail(subject, "its entries do not hash to the root recorded when it was sealed");
      return;
    }
    if (h.index() != s.index()
        || h.level() != s.level()
        || h.firstSeq() != s.firstSeq()
        || h.count() != s.count()
        || !h.origin().equals(store.origin())
        || !h.root().equals(s.root())) {
      findings.fail(subject, "its header does not match its row in the segments table");
      return;
    }
    try {
      Checkpoint sealed = Checkpoint.open(h.checkpoint(), key);
      long upperSize = (sealed.size() + s.count() - 1) >>> s.level();
      if (!Merkle.verifyInclusion(
          s.index(), upperSize, root, InclusionProof.raw(h.path()), sealed.root().unsafeBytes())) {
        findings.fail(subject, "its path to the checkpoint sealed into it does not check");
        return;
      }
    } catch (AuditException e) {
      findings.fail(
          subject, "the checkpoint sealed into it is forged or damaged: " + e.getMessage());
      return;
    }
    sealedCheckpoints.add(
        new String[] {"checkpoint sealed in segment " + s.index(), h.checkpoint()});
  }

  /** Checks the entries in the database and their leaves; returns the ledger's size. */
  private long entries(long archivedEnd) throws SQLException {
    try (var st = store.connection().createStatement();
        var rs = st.executeQuery("SELECT min(seq) FROM entries")) {
      if (rs.next() && rs.getObject(1) != null && rs.getLong(1) < archivedEnd) {
        findings.fail(
            Findings.entry(rs.getLong(1)),
            "is still in the database although an archive segment holds it");
      }
    }
    long[] next = {archivedEnd};
    try (DbNodes leaves = new DbNodes(store.connection())) {
      store.rows(
          archivedEnd,
          Long.MAX_VALUE,
          row -> {
            entries++;
            if (row.seq() != next[0]) {
              findings.fail(
                  Findings.entry(next[0]),
                  row.seq() == next[0] + 1
                      ? "is missing"
                      : "is missing, and so are the entries up to " + (row.seq() - 1));
            }
            next[0] = row.seq() + 1;
            EntryCheck.check(row.seq(), row.canonical(), row, findings);
            byte[] leaf = leaves.find(0, row.seq());
            if (leaf == null) {
              findings.fail(Findings.entry(row.seq()), "has no leaf in the stored tree");
            } else if (!MessageDigest.isEqual(leaf, Digests.leaf(row.canonical()))) {
              findings.fail(
                  Findings.entry(row.seq()),
                  "its bytes do not hash to its leaf in the stored tree: the entry was altered");
            }
          });
    }
    return next[0];
  }
}
