package io.vigil.gateway.sync;

import io.vigil.audit.AuditException;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.ConsistencyProof;
import io.vigil.audit.Hash;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerReader;
import io.vigil.sync.message.LedgerCheckpoint;
import io.vigil.sync.message.LedgerConsistency;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Links each summary's ledger checkpoint to the one in the summary before it with an RFC 9162
 * consistency proof. The checkpoint of the last summary appended to the outbox is kept in a file,
 * replaced atomically, so that the first summary after a restart proves from it too.
 *
 * <p>Used on the sync worker only.
 */
final class ProofChain {

  private static final Logger LOG = System.getLogger(ProofChain.class.getName());

  private final Path file;
  private final Ledger ledger;
  private Optional<Checkpoint> previous;

  private ProofChain(Path file, Ledger ledger, Optional<Checkpoint> previous) {
    this.file = file;
    this.ledger = ledger;
    this.previous = previous;
  }

  /**
   * The chain of {@code ledger}'s checkpoints kept in {@code file}; a file that does not hold a
   * checkpoint of this ledger's key is ignored with a warning (the next summary carries no proof).
   */
  static ProofChain open(Path file, Ledger ledger) {
    Optional<Checkpoint> previous = Optional.empty();
    try {
      String note = Files.readString(file, StandardCharsets.UTF_8);
      previous = Optional.of(Checkpoint.open(note, ledger.verifierKey()));
    } catch (NoSuchFileException e) {
      // The first summary of this gateway, or of a gateway older than the proofs.
    } catch (IOException | AuditException | IllegalArgumentException e) {
      LOG.log(
          Level.WARNING,
          "the checkpoint of the last summary in {0} is unreadable ({1}); the next summary carries"
              + " no consistency proof",
          file,
          e.getMessage());
    }
    return new ProofChain(file, ledger, previous);
  }

  /** The proof that {@code latest}'s tree extends the previous summary's, if there is one. */
  Optional<LedgerConsistency> proofTo(Checkpoint latest) {
    if (previous.isEmpty()) {
      return Optional.empty();
    }
    long oldSize = previous.get().size();
    if (oldSize > latest.size()) {
      LOG.log(
          Level.WARNING,
          "the ledger's checkpoint of size {0} is older than the last summary's of size {1};"
              + " no consistency proof can be sent",
          latest.size(),
          oldSize);
      return Optional.empty();
    }
    try (LedgerReader reader = ledger.openReader()) {
      ConsistencyProof p = reader.consistencyProof(oldSize, latest.size());
      return Optional.of(
          new LedgerConsistency(
              p.oldSize(), p.newSize(), p.path().stream().map(Hash::base64).toList()));
    } catch (AuditException e) {
      LOG.log(Level.WARNING, "no consistency proof for this summary: {0}", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The checkpoint of a summary now in the outbox: the next summary proves from it. When the file
   * cannot be written, the chain goes on in memory, and after a restart proves from the older
   * checkpoint the file still holds, which is as sound, only longer.
   */
  void appended(LedgerCheckpoint sent) {
    Checkpoint c = Checkpoint.open(sent.note(), ledger.verifierKey());
    previous = Optional.of(c);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(sent.note().getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.log(
          Level.WARNING, "cannot keep the summary''s checkpoint in {0}: {1}", file, e.toString());
    }
  }
}
