package io.vigil.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An entry with its inclusion proof against a signed checkpoint: what {@code prove} prints and each
 * line of {@code export} holds, checkable with the public key alone.
 *
 * <p>JSON form (canonical, one line): {@code {"checkpoint":"<signed note>","entry":{<canonical
 * entry>},"leaf_hash":"base64","leaf_index":N,"path":["base64",...],"tree_size":N}}. The entry is
 * optional when the proof is checked: the leaf hash alone then stands for it.
 */
public final class EntryProof {

  private final byte[] canonical;
  private final StoredEntry entry;
  private final InclusionProof inclusion;
  private final Checkpoint checkpoint;

  private EntryProof(
      byte[] canonical, StoredEntry entry, InclusionProof inclusion, Checkpoint checkpoint) {
    this.canonical = canonical;
    this.entry = entry;
    this.inclusion = inclusion;
    this.checkpoint = checkpoint;
  }

  static EntryProof of(byte[] canonical, InclusionProof inclusion, Checkpoint checkpoint) {
    return new EntryProof(
        canonical,
        EntryCodec.decodeStored(inclusion.leafIndex(), canonical),
        inclusion,
        Objects.requireNonNull(checkpoint));
  }

  /**
   * Checks a proof in JSON form with nothing but the public key: the checkpoint's signature, that
   * the proof is for the checkpoint's tree, that the entry (if present) hashes to the leaf hash,
   * and that the path leads from the leaf to the checkpoint's root; returns the checked proof.
   *
   * @throws AuditException {@code INVALID_CHECKPOINT} or {@code INVALID_PROOF}, saying why
   */
  public static EntryProof check(String json, VerifierKey key) {
    JsonNode node;
    InclusionProof inclusion;
    String note;
    try {
      node = CanonicalJson.parse(json);
      note = node.path("checkpoint").textValue();
      if (note == null) {
        throw new IllegalArgumentException("no checkpoint");
      }
      inclusion =
          new InclusionProof(
              longField(node, "leaf_index"),
              longField(node, "tree_size"),
              Hash.fromBase64(node.path("leaf_hash").asText()),
              hashes(node, "path"));
    } catch (IllegalArgumentException e) {
      throw invalid("malformed proof: " + e.getMessage());
    }
    Checkpoint checkpoint = Checkpoint.open(note, key);
    if (checkpoint.size() != inclusion.treeSize()) {
      throw invalid(
          "the proof is for a tree of size "
              + inclusion.treeSize()
              + " but the checkpoint is of size "
              + checkpoint.size());
    }
    byte[] canonical = null;
    StoredEntry entry = null;
    if (node.has("entry")) {
      try {
        entry = EntryCodec.decode(node.get("entry"));
      } catch (RuntimeException e) {
        throw invalid("the entry is not a ledger entry: " + e.getMessage());
      }
      canonical = EntryCodec.canonical(entry);
      if (!MessageDigest.isEqual(Digests.leaf(canonical), inclusion.leafHash().unsafeBytes())) {
        throw invalid("the entry does not hash to the proof's leaf hash");
      }
      if (entry.seq() != inclusion.leafIndex()) {
        throw invalid(
            "the entry has seq "
                + entry.seq()
                + ", the proof is for leaf "
                + inclusion.leafIndex());
      }
    }
    inclusion.check(checkpoint.root());
    return new EntryProof(canonical, entry, inclusion, checkpoint);
  }

  /** The entry, where the proof carried it. */
  public Optional<StoredEntry> entry() {
    return Optional.ofNullable(entry);
  }

  /** The audit path. */
  public InclusionProof inclusion() {
    return inclusion;
  }

  /** The signed checkpoint the path leads to. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The canonical JSON form, one line. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(1024);
    sb.append("{\"checkpoint\":");
    CanonicalJson.appendString(sb, checkpoint.note());
    if (canonical != null) {
      sb.append(",\"entry\":").append(new String(canonical, StandardCharsets.UTF_8));
    }
    sb.append(",\"leaf_hash\":\"").append(inclusion.leafHash().base64());
    sb.append("\",\"leaf_index\":").append(inclusion.leafIndex());
    sb.append(",\"path\":");
    appendHashes(sb, inclusion.path());
    sb.append(",\"tree_size\":").append(inclusion.treeSize()).append('}');
    return sb.toString();
  }

  @Override
  public String toString() {
    return toJson();
  }

  static void appendHashes(StringBuilder sb, List<Hash> hashes) {
    sb.append('[');
    for (int i = 0; i < hashes.size(); i++) {
      sb.append(i > 0 ? ",\"" : "\"").append(hashes.get(i).base64()).append('"');
    }
    sb.append(']');
  }

  static long longField(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("no integer " + field);
    }
    return v.longValue();
  }

  static List<Hash> hashes(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException("no array " + field);
    }
    List<Hash> out = new ArrayList<>(v.size());
    for (JsonNode h : v) {
      if (!h.isTextual()) {
        throw new IllegalArgumentException(field + " holds a non-string");
      }
      out.add(Hash.fromBase64(h.textValue()));
    }
    return out;
  }

  private static AuditException invalid(String why) {
    return new AuditException(AuditException.Code.INVALID_PROOF, why);
  }
}
