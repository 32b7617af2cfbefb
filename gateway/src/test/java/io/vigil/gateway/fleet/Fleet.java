package io.vigil.gateway.fleet;

import io.vigil.audit.ConsistencyProof;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Hash;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerOptions;
import io.vigil.audit.LedgerReader;
import io.vigil.gateway.ledger.Signers;
import io.vigil.sync.message.InventoryItem;
import io.vigil.sync.message.LedgerCheckpoint;
import io.vigil.sync.message.LedgerConsistency;
import io.vigil.sync.message.MessageJson;
import io.vigil.sync.message.ModelRef;
import io.vigil.sync.message.SafetyLevel;
import io.vigil.sync.message.SignedMessage;
import io.vigil.sync.message.SummaryBuilder;
import io.vigil.sync.outbox.DropMarker;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.IdentityKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Real gateways for the fleet tests (and the CLI's): identity keys, ledgers and signed messages.
 */
public final class Fleet {

  static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
  public static final String FLEET = "acme";
  static final String SHA = "ab".repeat(32);

  private Fleet() {}

  public static String topic(String gateway) {
    return "vigil/v1/" + FLEET + "/" + gateway + "/summary";
  }

  /** A gateway with its identity key in {@code dir/<name>/keys} and its ledgers beside it. */
  public static final class Gateway implements AutoCloseable {
    public final String name;
    final Path dir;
    final IdentityKey key;
    private Ledger ledger;
    private int ledgers;

    public Gateway(Path root, String name) throws Exception {
      this.name = name;
      this.dir = Files.createDirectories(root.resolve(name));
      this.key = IdentityKey.loadOrCreate(Files.createDirectories(dir.resolve("keys")), name);
      this.ledger = newLedger();
    }

    /** Registers this gateway's public key in {@code keysDir} as {@code <name>.pub}. */
    public Gateway registerIn(Path keysDir) throws Exception {
      Files.copy(
          dir.resolve("keys").resolve(IdentityKey.PUBLIC_FILE), keysDir.resolve(name + ".pub"));
      return this;
    }

    /** Records {@code entries} more entries in the ledger and returns its new signed checkpoint. */
    public String grow(int entries) {
      for (int i = 0; i < entries; i++) {
        ledger.append(EventEntry.of("test.entry", "ledger-" + ledgers + "-" + i)).join();
      }
      return ledger.checkpoint().join().orElseThrow().note();
    }

    /** Starts a second history: a fresh ledger signed by the same key (a rewritten past). */
    void rewriteHistory() {
      ledger.close();
      ledger = newLedger();
    }

    /** The consistency proof from tree size {@code oldSize} to the latest checkpoint's. */
    LedgerConsistency proofFrom(long oldSize) {
      long size = ledger.latestCheckpoint().orElseThrow().size();
      try (LedgerReader reader = ledger.openReader()) {
        ConsistencyProof p = reader.consistencyProof(oldSize, size);
        return new LedgerConsistency(
            p.oldSize(), p.newSize(), p.path().stream().map(Hash::base64).toList());
      }
    }

    /** A summary carrying {@code checkpoint} and the proof that it extends an earlier one. */
    byte[] summary(long seq, String checkpoint, LedgerConsistency proof) {
      SummaryBuilder b = new SummaryBuilder(START, "1.0.0");
      b.checkpoint(new LedgerCheckpoint(checkpoint), proof);
      byte[] body = MessageJson.summary(b.close(START.plus(Duration.ofMinutes(seq))));
      return SignedMessage.sign(key, Kind.SUMMARY, seq, START.plusSeconds(60 * seq), body).toJson();
    }

    public byte[] summary(long seq, Optional<String> checkpoint) {
      return summary(seq, checkpoint, SafetyLevel.NORMAL);
    }

    byte[] summary(long seq, Optional<String> checkpoint, SafetyLevel level) {
      SummaryBuilder b = new SummaryBuilder(START, "1.0.0");
      b.installed(new InventoryItem(new ModelRef("sepsis", "1.2.0"), SHA, level, true));
      checkpoint.ifPresent(note -> b.checkpoint(new LedgerCheckpoint(note)));
      byte[] body = MessageJson.summary(b.close(START.plus(Duration.ofMinutes(seq))));
      return SignedMessage.sign(key, Kind.SUMMARY, seq, START.plusSeconds(60 * seq), body).toJson();
    }

    byte[] commandRefused(long seq, String command, String code) {
      byte[] body =
          MessageJson.event(
              io.vigil.sync.message.Event.commandRefused(START.plusSeconds(seq), command, code));
      return SignedMessage.sign(key, Kind.EVENT, seq, START.plusSeconds(60 * seq), body).toJson();
    }

    byte[] dropped(long seq, long firstSeq, long lastSeq) {
      byte[] body = new DropMarker(firstSeq, lastSeq, lastSeq - firstSeq + 1, 0, 0).toJson();
      return SignedMessage.sign(key, Kind.DROPPED, seq, START.plusSeconds(60 * seq), body).toJson();
    }

    private Ledger newLedger() {
      Path db = dir.resolve("ledger-" + ++ledgers).resolve("audit.db");
      try {
        Files.createDirectories(db.getParent());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return Ledger.open(LedgerOptions.of(db, name), Signers.of(key), Clock.systemUTC());
    }

    @Override
    public void close() {
      ledger.close();
    }
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    private Instant now = START;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
