package io.vigil.audit;

import java.util.Objects;

/**
 * What an append returns once its entry is committed: the entry's sequence number (its leaf index,
 * counted from 0) and its leaf hash.
 */
public record Receipt(long seq, Hash leafHash) {
  public Receipt {
    if (seq < 0) {
      throw new IllegalArgumentException("seq < 0");
    }
    Objects.requireNonNull(leafHash, "leafHash");
  }
}
