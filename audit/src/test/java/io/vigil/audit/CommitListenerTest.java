package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitListenerTest {

  @TempDir Path dir;

  private record Commit(int entries, long nanos, String thread) {}

  @Test
  void tellsItsListenerTheEntriesOfEveryGroupCommitOnTheWriterThread() {
    // given a ledger with a listener of its commits
    List<Commit> commits = Collections.synchronizedList(new ArrayList<>());
    Ledger ledger =
        Ledger.open(
            TestLedgers.options(dir),
            TestLedgers.signer(),
            TestLedgers.tickingClock(),
            (entries, nanos) ->
                commits.add(new Commit(entries, nanos, Thread.currentThread().getName())));

    // when 2,000 entries are appended without waiting, and a checkpoint is signed
    List<CompletableFuture<Receipt>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      futures.add(ledger.append(TestLedgers.prediction(i)));
    }
    futures.forEach(CompletableFuture::join);
    TestLedgers.checkpoint(ledger);
    ledger.close();

    // then every entry was reported once, in group commits, and checkpoints are not commits of
    // entries
    assertEquals(2000, commits.stream().mapToLong(Commit::entries).sum());
    assertTrue(commits.size() < ledger.commits(), commits.size() + " of " + ledger.commits());
    assertTrue(
        commits.stream().allMatch(c -> c.entries() >= 1 && c.nanos() > 0), commits::toString);
    assertTrue(
        commits.stream().allMatch(c -> c.thread().equals("vigil-ledger-writer")),
        commits::toString);
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheWriter() {
    try (Ledger ledger =
        Ledger.open(
            TestLedgers.options(dir),
            TestLedgers.signer(),
            TestLedgers.tickingClock(),
            (entries, nanos) -> {
              throw new IllegalStateException("a faulty listener");
            })) {
      TestLedgers.append(ledger, 10);
      TestLedgers.append(ledger, 10);

      assertEquals(20, ledger.size());
      assertTrue(ledger.healthy());
    }
  }
}
