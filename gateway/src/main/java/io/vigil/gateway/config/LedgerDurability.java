package io.vigil.gateway.config;

/** How the ledger syncs a commit to disk; see {@code audit.durability} in the sample file. */
public enum LedgerDurability {
  /** Every commit is synced to the disk before its answer leaves: survives a power cut. */
  FULL,
  /** Commits survive a crash of the gateway; the last ones may roll back on a power cut. */
  NORMAL
}
