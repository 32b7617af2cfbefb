package io.vigil.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An RFC 9162 consistency proof: the tree of {@code newSize} entries extends the tree of {@code
 * oldSize} entries, nothing in it rewritten.
 *
 * <p>JSON form: {@code {"new_size":N,"old_size":M,"path":["base64",...]}}.
 */
public record ConsistencyProof(long oldSize, long newSize, List<Hash> path) {

  public ConsistencyProof {
    path = List.copyOf(path);
  }

  /** Whether the proof shows that the tree with newRoot extends the tree with oldRoot. */
  public boolean holds(Hash oldRoot, Hash newRoot) {
    return Merkle.verifyConsistency(
        oldSize, newSize, oldRoot.unsafeBytes(), newRoot.unsafeBytes(), InclusionProof.raw(path));
  }

  /** Throws {@code INVALID_PROOF} unless the proof shows that newRoot's tree extends oldRoot's. */
  public void check(Hash oldRoot, Hash newRoot) {
    if (!holds(oldRoot, newRoot)) {
      throw new AuditException(
          AuditException.Code.INVALID_PROOF,
          "the tree of size " + newSize + " is not shown to extend the tree of size " + oldSize);
    }
  }

  /**
   * Throws unless both checkpoints verify with the key, their sizes are the proof's, and the proof
   * shows the newer extends the older; what a manufacturer runs on each new checkpoint.
   */
  public void check(String olderNote, String newerNote, VerifierKey key) {
    Checkpoint older = Checkpoint.open(olderNote, key);
    Checkpoint newer = Checkpoint.open(newerNote, key);
    if (older.size() != oldSize || newer.size() != newSize) {
      throw new AuditException(
          AuditException.Code.INVALID_PROOF,
          "the proof is from size "
              + oldSize
              + " to "
              + newSize
              + ", the checkpoints are of sizes "
              + older.size()
              + " and "
              + newer.size());
    }
    if (!older.origin().equals(newer.origin())) {
      throw new AuditException(
          AuditException.Code.INVALID_PROOF,
          "the checkpoints are of two logs: " + older.origin() + " and " + newer.origin());
    }
    check(older.root(), newer.root());
  }

  /** The canonical JSON form. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(64 + path.size() * 48);
    sb.append("{\"new_size\":").append(newSize);
    sb.append(",\"old_size\":").append(oldSize);
    sb.append(",\"path\":");
    EntryProof.appendHashes(sb, path);
    sb.append('}');
    return sb.toString();
  }

  /** Reads the JSON form; throws {@code INVALID_PROOF} if it is malformed. */
  public static ConsistencyProof fromJson(String json) {
    try {
      JsonNode node = CanonicalJson.parse(json);
      return new ConsistencyProof(
          EntryProof.longField(node, "old_size"),
          EntryProof.longField(node, "new_size"),
          EntryProof.hashes(node, "path"));
    } catch (IllegalArgumentException e) {
      throw new AuditException(
          AuditException.Code.INVALID_PROOF, "malformed consistency proof: " + e.getMessage(), e);
    }
  }
}
