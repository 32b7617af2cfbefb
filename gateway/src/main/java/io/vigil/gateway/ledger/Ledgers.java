package io.vigil.gateway.ledger;

import io.vigil.audit.AuditException;
import io.vigil.audit.CommitListener;
import io.vigil.audit.EventEntry;
import io.vigil.audit.Ledger;
import io.vigil.audit.LedgerOptions;
import io.vigil.audit.VerifierKey;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.gateway.config.AuditConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.trust.IdentityKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens the gateway's ledger and identity key where the configuration puts them. */
public final class Ledgers {

  /** The ledger's file name in the data directory. */
  public static final String DATABASE = "audit.db";

  /** The folder of the identity key in the data directory. */
  public static final String KEYS = "keys";

  private Ledgers() {}

  /** The ledger's options as configured. */
  public static LedgerOptions options(VigilConfig config) {
    AuditConfig audit = config.audit();
    return LedgerOptions.of(database(config.dataDir()), audit.originOrHost())
        .withDurability(audit.durability())
        .withCheckpointEveryEntries(audit.checkpointEvery())
        .withCheckpointInterval(audit.checkpointInterval())
        .withSegmentLevel(audit.segmentLevel());
  }

  /**
   * The gateway's identity key, created on first use; its name is the checkpoints' origin. It is
   * never created again for a ledger that exists: a new key would break the chain of checkpoints
   * that the old one signed.
   */
  public static IdentityKey identity(VigilConfig config) {
    Path keys = config.dataDir().resolve(KEYS);
    Path key = keys.resolve(IdentityKey.PRIVATE_FILE);
    Path db = database(config.dataDir());
    if (Files.exists(db) && !Files.exists(key)) {
      throw new GatewayException(
          GatewayException.Code.KEY_UNUSABLE,
          "the identity key "
              + key
              + " is missing, but the ledger "
              + db
              + " exists and its checkpoints were signed with it. Restore the keys folder from"
              + " the backup; Vigil does not make a new key for an existing ledger, because the"
              + " manufacturer and an inspector check every checkpoint against the old one");
    }
    return IdentityKey.loadOrCreate(keys, config.audit().originOrHost());
  }

  /** Opens the ledger, signing its checkpoints with the identity key. */
  public static Ledger open(VigilConfig config) {
    return open(config, CommitListener.NONE);
  }

  /** As {@link #open(VigilConfig)}, telling {@code listener} of every commit of entries. */
  public static Ledger open(VigilConfig config, CommitListener listener) {
    return Ledger.open(options(config), Signers.of(identity(config)), Clock.systemUTC(), listener);
  }

  /**
   * The verifier key of the checkpoints that the identity key in {@code dataDir} signed for this
   * origin: what {@code vigil audit verify} and the evidence report check them with.
   */
  public static VerifierKey verifierKey(Path dataDir, String origin) {
    return VerifierKey.of(origin, IdentityKey.readPublicKey(dataDir.resolve(KEYS)));
  }

  /** Where the ledger's database is. */
  public static Path database(Path dataDir) {
    return dataDir.resolve(DATABASE);
  }

  /**
   * Appends {@code event} and waits for its commit: events are rare and must not be lost.
   *
   * @throws GatewayException {@code RECORD_FAILED} when it cannot be committed within 30 s
   */
  public static void record(Ledger ledger, EventEntry event) {
    try {
      ledger.append(event).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuditException ae) {
        throw ae;
      }
      throw new GatewayException(
          Code.RECORD_FAILED, "cannot record " + event.type() + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new GatewayException(
          Code.RECORD_FAILED,
          "cannot record " + event.type() + ": the ledger did not commit within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(Code.UNAVAILABLE, "interrupted while recording " + event.type());
    }
  }
}
