package io.vigil.sync.outbox;

import java.time.Duration;
import java.util.Optional;

/**
 * What the outbox holds: every row in it is unsent (a row is deleted once its PUBACK came).
 *
 * @param rows the unsent rows, markers included
 * @param bytes their payload bytes (the database file is larger: pages, indexes, the WAL)
 * @param safetyRows the unsent rows of {@link Priority#SAFETY}
 * @param oldestUnsentAge how long the oldest unsent row has waited; empty when none waits
 * @param overLimit whether rows or bytes exceed the limits: only safety rows and the one marker are
 *     kept over them
 * @param droppedTotal the rows the full-outbox policy ever dropped from this outbox
 * @param nextSeq the sequence number the next row will get
 */
public record OutboxStats(
    long rows,
    long bytes,
    long safetyRows,
    Optional<Duration> oldestUnsentAge,
    boolean overLimit,
    long droppedTotal,
    long nextSeq) {}
