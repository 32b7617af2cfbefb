package io.vigil.sync.message;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An RFC 9162 consistency proof from the ledger checkpoint of the gateway's previous summary to the
 * one this summary carries, as the audit module's {@code ConsistencyProof} gives it: two tree sizes
 * and base64 SHA-256 hashes, nothing else, so that no patient data fits in.
 *
 * @param oldSize the tree size of the previous summary's checkpoint
 * @param newSize the tree size of this summary's checkpoint
 * @param path the proof's hashes, base64
 */
public record LedgerConsistency(long oldSize, long newSize, List<String> path) {

  /** Twice the height of a tree of 2^63 leaves: more than any proof between two sizes needs. */
  public static final int MAX_PATH = 128;

  private static final Pattern HASH = Pattern.compile("[A-Za-z0-9+/]{43}=");

  public LedgerConsistency {
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException(
          "need 0 <= old_size <= new_size, not " + oldSize + " and " + newSize);
    }
    if (path.size() > MAX_PATH) {
      throw new IllegalArgumentException(
          "path has " + path.size() + " hashes, at most " + MAX_PATH);
    }
    for (String h : path) {
      if (!HASH.matcher(h).matches()) {
        throw new IllegalArgumentException("path holds '" + h + "', not a base64 SHA-256 hash");
      }
    }
    path = List.copyOf(path);
  }
}
