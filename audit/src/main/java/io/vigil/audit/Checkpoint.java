package io.vigil.audit;

import java.util.Objects;

/**
 * A signed checkpoint of the ledger: the C2SP tlog-checkpoint body (origin, tree size, base64 root
 * hash, one line each) inside a signed note.
 *
 * @param origin the log's name, the first line
 * @param size the number of entries the tree covers
 * @param root the RFC 9162 root hash of those entries
 * @param note the whole signed note, as the gateway stores and sends it
 */
public record Checkpoint(String origin, long size, Hash root, String note) {

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    if (size < 0) {
      throw new IllegalArgumentException("size < 0");
    }
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(note, "note");
  }

  /** Checks the note's signature with this key and reads the checkpoint in it. */
  public static Checkpoint open(String note, VerifierKey key) {
    return parseBody(SignedNote.verifiedBody(note, key), note);
  }

  /** The checkpoint body that the signature covers. */
  public String body() {
    return body(origin, size, root);
  }

  static String body(String origin, long size, Hash root) {
    return origin + "\n" + size + "\n" + root.base64() + "\n";
  }

  static Checkpoint sign(String origin, long size, Hash root, NoteSigner signer) {
    return new Checkpoint(origin, size, root, SignedNote.sign(body(origin, size, root), signer));
  }

  /** Reads a checkpoint without checking its signature; verify checks it separately. */
  static Checkpoint parseUnverified(String note) {
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new AuditException(
          AuditException.Code.INVALID_CHECKPOINT, "no blank line between body and signatures");
    }
    return parseBody(note.substring(0, split + 1), note);
  }

  private static Checkpoint parseBody(String body, String note) {
    String[] lines = body.split("\n", -1);
    // lines ends with the empty string after the final newline; extension lines may follow.
    if (lines.length < 4) {
      throw invalid("a checkpoint body has an origin, a size and a root hash line");
    }
    String origin = lines[0];
    if (origin.isEmpty()) {
      throw invalid("empty origin line");
    }
    long size;
    if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
      throw invalid("tree size is not a decimal number: " + lines[1]);
    }
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw invalid("tree size out of range: " + lines[1]);
    }
    Hash root;
    try {
      root = Hash.fromBase64(lines[2]);
    } catch (IllegalArgumentException e) {
      throw invalid("root hash line: " + e.getMessage());
    }
    return new Checkpoint(origin, size, root, note);
  }

  private static AuditException invalid(String why) {
    return new AuditException(AuditException.Code.INVALID_CHECKPOINT, why);
  }
}
