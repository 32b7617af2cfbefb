package io.vigil.audit;

/**
 * How hard a commit presses entries onto the disk; the ledger always runs SQLite in WAL mode.
 *
 * <p>Both survive a crash of the gateway process (kill -9, out of memory): a committed entry is in
 * the WAL file, which the operating system holds. They differ when the machine loses power or the
 * kernel crashes.
 */
public enum Durability {
  /**
   * {@code synchronous=FULL}: every commit waits until the WAL is synced to the disk, so an entry
   * whose append completed survives a power loss. Costs one fsync per transaction, which group
   * commit shares among all the entries of the transaction. The default: ack after commit means ack
   * after the entry is on the disk.
   */
  FULL,
  /**
   * {@code synchronous=NORMAL}: commits are not synced; the WAL is synced only at checkpoints of
   * the WAL into the database. After a power loss the last transactions before it may be rolled
   * back although their appends completed: the ledger stays consistent (a prefix of the history),
   * but acknowledged predictions can be missing from it. Faster where fsync is slow.
   */
  NORMAL
}
