/**
 * The prediction and event ledger: every prediction and every event of the gateway, in an
 * insert-only SQLite file whose entries are the leaves of an RFC 9162 Merkle tree, with signed
 * checkpoints that a manufacturer holds, so that a changed, removed, reordered or rolled-back
 * history is caught.
 *
 * <h2>Use</h2>
 *
 * <p>{@link io.vigil.audit.Ledger#open} starts the one writer; {@link io.vigil.audit.Ledger#append}
 * returns a future that completes with a {@link io.vigil.audit.Receipt} (sequence number, leaf
 * hash) once the entry's transaction committed. {@link io.vigil.audit.LedgerReader} serves {@code
 * verify}, {@code prove}, {@code export}, {@code consistency} and {@code entries} (for replay) on
 * its own read-only connection, beside a running writer. {@link io.vigil.audit.EntryProof#check}
 * and {@link io.vigil.audit.ConsistencyProof#check} need no database, only a {@link
 * io.vigil.audit.VerifierKey}.
 *
 * <h2>Writing</h2>
 *
 * <p>SQLite in WAL mode, {@code synchronous} FULL by default or NORMAL (see {@link
 * io.vigil.audit.Durability} for what each survives), one writing connection owned by one thread,
 * explicit {@code busy_timeout}, {@code BEGIN IMMEDIATE}, prepared statements, generated keys off.
 * The writer takes every entry that waits (at most {@code maxBatchEntries}) into one transaction:
 * group commit, one sync for the group. Sequence numbers start at 0 and are the leaf indexes; the
 * writer assigns them and the entry's UTC time (from the injected clock, one time per commit) at
 * commit. Readers use their own connections and WAL snapshots: they never block the writer and
 * never see {@code SQLITE_BUSY}.
 *
 * <h2>Faults</h2>
 *
 * <p>If a transaction fails, the futures of its entries fail ({@code DISK_FULL} naming the folder
 * and the free space, {@code WRITE_FAILED} naming the file and SQLite's error with its extended
 * code), and {@link io.vigil.audit.Ledger#healthy} turns false. The writer then trusts neither its
 * connection nor the last commit (a failed {@code fsync} may have dropped pages that a later one
 * reports written): it closes them and recovers by itself, at once and then every second whether or
 * not entries arrive (after a full disk, once 1 MiB is free): a new connection, size and tree read
 * again, the entries after the latest checkpoint (at most 1024) hashed again against the stored
 * tree and the checkpoint's root, and a {@code ledger.recovered} event (actor {@code system}: when
 * the fault began, how long it lasted, the failure, the entries re-checked) committed as the first
 * entry after the fault. Only then does it acknowledge entries again. A re-check that fails, or
 * finds fewer entries than were acknowledged, is {@code DAMAGED}, and final.
 *
 * <p>Between commits the writer compares the wall clock with the monotonic time: a step of more
 * than two seconds (NTP correcting a bad real-time clock), or a time before the last entry's, is
 * recorded as a {@code clock.stepped} event (expected time, actual time, step in ms) before the
 * entries stamped after it. Checkpoints are scheduled on the monotonic time.
 *
 * <h2>Damage</h2>
 *
 * <p>{@link io.vigil.audit.Ledger#open} and {@link io.vigil.audit.LedgerReader#open} refuse a
 * damaged ledger ({@code DAMAGED}), never overwrite or recreate it: a database without SQLite's
 * header or cut short; a write-ahead log whose header is malformed, fails its checksum or has
 * another page size, or that would replace the ledger with another database; a database that is
 * missing or empty while its write-ahead log or sealed segments remain; and any page that SQLite's
 * {@code quick_check} finds wrong, which runs at every open, after a clean stop too. The writer
 * checks on a read-only connection, so that a refused ledger stays byte for byte as it was. {@link
 * io.vigil.audit.LedgerRecovery} moves a damaged ledger aside, intact, and starts a new one whose
 * first entry, {@code ledger.continued}, names the old one's files and its last checkpoint that
 * still verifies.
 *
 * <h2>Schema</h2>
 *
 * <pre>
 * entries(seq INTEGER PRIMARY KEY, time TEXT, kind TEXT, ref TEXT, model_id TEXT, canonical BLOB)
 * nodes(pos INTEGER PRIMARY KEY, level, idx, hash BLOB)   -- pos: post-order position
 * checkpoints(size INTEGER PRIMARY KEY, time TEXT, note TEXT)
 * segments(idx INTEGER PRIMARY KEY, level, first_seq, count, root BLOB, file, sha256,
 *          checkpoint_size, archived_at)
 * meta(key TEXT PRIMARY KEY, value TEXT)          -- origin, segment_level
 * </pre>
 *
 * <p>{@code canonical} is the entry; {@code time}, {@code kind} ({@code prediction} or {@code
 * event}), {@code ref} (request id or event type) and {@code model_id} are copies kept for queries,
 * and verify checks them against it. {@code nodes} holds the hash of every complete, aligned
 * subtree (level 0: the leaves), written in the entries' transaction, so that an append costs O(log
 * n) with the right edge of the tree kept in memory, and a proof is O(log n) lookups. A node's key
 * is its post-order position ({@link io.vigil.audit.PostOrder}), the order in which appends
 * complete nodes, so every insert lands at the right end of the table: a commit of 15 entries
 * writes about a third of the pages that a (level, idx) key made it write (schema version 2;
 * version 1 ledgers are migrated when the writer opens them). Triggers refuse every update and
 * every delete except that of archived rows.
 *
 * <h2>Canonical entry</h2>
 *
 * <p>UTF-8 canonical JSON: keys sorted, no whitespace, strings escaped as RFC 8785 escapes them,
 * integers as integers; floats as the shortest decimal that reads back as the same float, in
 * ECMAScript's number layout, computed by one JDK-independent function; a missing value ({@code
 * NaN}) as {@code null}, infinities as {@code "Infinity"} and {@code "-Infinity"}. For example:
 *
 * <pre>
 * {"prediction":{"bundle_sha256":"...","device_id":"monitor-7","flags":[],
 *   "input_digest":"...","inputs":[{"name":"features","shape":[1,30],"values":[17.99,10.38,...]}],
 *   "latency_us":850,"model_id":"wdbc","model_version":"1.2.0",
 *   "outputs":[{"name":"probability","shape":[1,1],"values":[0.93]}],
 *   "request_id":"r-1","safety_state":"normal"},
 *  "seq":0,"time":"2026-03-01T08:00:00.000000Z","v":1}
 * {"event":{"actor":"alice","details":{"bundle":"wdbc-1.2.0"},"type":"bundle.activated"},
 *  "seq":1,"time":"...","v":1}
 * </pre>
 *
 * <p>(shown on several lines here; stored on one). The input digest is SHA-256 of the canonical
 * JSON of the input tensor array ({@link io.vigil.audit.PredictionEntry#digestOf}); {@code inputs}
 * is absent where the site does not store inputs. The leaf hash is SHA-256(0x00 || canonical
 * bytes), a node SHA-256(0x01 || left || right).
 *
 * <h2>Checkpoints</h2>
 *
 * <p>Every {@code checkpointEveryEntries} entries or {@code checkpointInterval}, only if the tree
 * grew, and at close, the writer signs a C2SP tlog-checkpoint (origin, size, base64 root) in a C2SP
 * signed note with the gateway's Ed25519 key ({@link io.vigil.audit.NoteSigner}), and stores it.
 * Verification uses only the public key.
 *
 * <h2>Retention</h2>
 *
 * <p>See {@code audit/RETENTION.md}: old entries move into sealed, compressed segment files, one
 * complete subtree each, still checked by verify and still provable.
 */
package io.vigil.audit;
