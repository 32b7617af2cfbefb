package io.vigil.gateway.fleet;

import java.time.Instant;

/**
 * A fleet alert: something a gateway sent that a person must look at, kept in the store.
 *
 * @param gateway the gateway it concerns
 * @param seq the sequence number of the message that raised it
 * @param raisedAt when the watch received that message
 * @param code what it is, one of the constants below
 * @param detail what was seen, for a person
 */
public record Alert(String gateway, long seq, Instant raisedAt, String code, String detail) {

  /** A checkpoint's tree is smaller than one of an earlier message, or larger than a later one. */
  public static final String CHECKPOINT_ROLLBACK = "checkpoint.rollback";

  /** Two checkpoints of the same tree size have different root hashes: the history forked. */
  public static final String CHECKPOINT_FORK = "checkpoint.fork";

  /** A summary's checkpoint is not signed by the gateway's key, or is not a checkpoint. */
  public static final String CHECKPOINT_SIGNATURE = "checkpoint.signature";

  /**
   * A summary's consistency proof does not show that its checkpoint's tree extends the one of the
   * checkpoint it starts from, or is malformed: the history was rewritten.
   */
  public static final String CONSISTENCY_FAILED = "checkpoint.inconsistent";

  /** A summary carries a checkpoint without a consistency proof, after earlier ones carried one. */
  public static final String CONSISTENCY_MISSING = "checkpoint.proof_missing";

  /** A validly signed message reuses a stored sequence number with another body. */
  public static final String SEQ_REUSED = "seq.reused";
}
