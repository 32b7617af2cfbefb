package io.vigil.audit;

/**
 * Told of every transaction that committed entries to the ledger, for the gateway's meters; the
 * audit module itself depends on no metrics library.
 */
@FunctionalInterface
public interface CommitListener {

  /** A listener that does nothing. */
  CommitListener NONE = (entries, nanos) -> {};

  /**
   * Called on the ledger's writer thread after a group commit, once its appends have their
   * receipts: it must return at once and never throw, as every append waits behind it.
   *
   * @param entries the entries the transaction committed, the writer's own events included
   * @param nanos how long the transaction took, from {@code BEGIN} to the end of {@code COMMIT}
   *     (its {@code fsync} included)
   */
  void committed(int entries, long nanos);
}
