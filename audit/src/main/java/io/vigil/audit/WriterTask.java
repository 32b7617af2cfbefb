package io.vigil.audit;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the writer thread is asked to do, in queue order. */
sealed interface WriterTask {

  /** Fails the task's future. */
  void fail(AuditException failure);

  /** Commit one entry, in a group with the others waiting. */
  record Append(EntryCodec.Encoded encoded, CompletableFuture<Receipt> future)
      implements WriterTask {
    @Override
    public void fail(AuditException failure) {
      future.completeExceptionally(failure);
    }
  }

  /** Sign a checkpoint now if the tree grew. */
  record CheckpointNow(CompletableFuture<Optional<Checkpoint>> future) implements WriterTask {
    @Override
    public void fail(AuditException failure) {
      future.completeExceptionally(failure);
    }
  }

  /** Record a sealed segment and remove its rows. */
  record CommitSegment(Segment segment, String time, CompletableFuture<Void> future)
      implements WriterTask {
    @Override
    public void fail(AuditException failure) {
      future.completeExceptionally(failure);
    }
  }

  /** Commit what is waiting, sign a last checkpoint and end. */
  record Stop() implements WriterTask {
    @Override
    public void fail(AuditException failure) {
      // nothing waits for a stop but the thread's end
    }
  }
}
