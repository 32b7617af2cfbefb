package io.vigil.gateway.doctor;

import io.vigil.audit.AuditException;
import io.vigil.audit.Checkpoint;
import io.vigil.audit.VerifierKey;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.TrustException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identity key that signs the ledger's checkpoints: there, a valid pair, 0600, owned by the
 * service's user, and the key the ledger's latest checkpoint was signed with.
 */
final class KeyCheck implements Check {

  static final String NAME = "keys";

  @Override
  public List<Finding> run(Installation in) {
    Path keys = in.dataDir().resolve(Ledgers.KEYS);
    Path file = keys.resolve(IdentityKey.PRIVATE_FILE);
    boolean ledger = Files.isRegularFile(in.database());
    if (!Files.exists(file)) {
      return List.of(
          ledger
              ? Finding.fail(
                  NAME,
                  "the identity key "
                      + file
                      + " is missing, but the ledger "
                      + in.database()
                      + " was signed with it",
                  "restore "
                      + keys
                      + " from the backup (a new key would break the chain of"
                      + " checkpoints)")
              : Finding.ok(NAME, "no identity key yet: vigil serve creates " + file));
    }
    List<Finding> out = new ArrayList<>();
    Optional<IdentityKey> key = Optional.empty();
    try {
      key = Optional.of(IdentityKey.load(keys, in.config().audit().originOrHost()));
      out.add(Finding.ok(NAME, file + " is a valid Ed25519 key pair"));
    } catch (TrustException e) {
      out.add(
          Finding.fail(
              NAME,
              file + " cannot be used: " + e.getMessage(),
              "restore " + keys + " from the backup"));
    }
    try {
      Posix p = Posix.of(file);
      if (!p.within("0600")) {
        out.add(
            Finding.fail(NAME, file + " is " + p.mode() + ", not 0600", "run: chmod 0600 " + file));
      } else if (!p.owner().equals(in.user().name())) {
        out.add(
            Finding.fail(
                NAME,
                file + " belongs to '" + p.owner() + "', not to '" + in.user().name() + "'",
                "run: chown " + in.user().chown() + " " + file));
      } else {
        out.add(Finding.ok(NAME, file + " is " + p.mode() + " " + p.owner()));
      }
    } catch (IOException | UnsupportedOperationException e) {
      out.add(Finding.warn(NAME, file + ": cannot read its mode: " + e, "run: ls -l " + file));
    }
    if (key.isPresent() && ledger) {
      out.add(matchesLedger(in, key.get(), file));
    }
    return out;
  }

  private static Finding matchesLedger(Installation in, IdentityKey key, Path file) {
    Optional<LedgerFacts> facts;
    try {
      facts = LedgerFacts.read(in.database());
    } catch (AuditException e) {
      return Finding.warn(
          NAME,
          "cannot read the ledger to compare its key: " + e.getMessage(),
          "see the ledger check below");
    }
    Optional<Checkpoint> latest = facts.flatMap(LedgerFacts::checkpoint);
    if (latest.isEmpty()) {
      return Finding.ok(NAME, "the ledger has no checkpoint yet to compare the key with");
    }
    try {
      Checkpoint.open(
          latest.get().note(), VerifierKey.of(facts.get().origin(), key.publicKeyRaw()));
      return Finding.ok(
          NAME,
          "the ledger's latest checkpoint (size " + latest.get().size() + ") is signed by it");
    } catch (AuditException | IllegalArgumentException e) {
      return Finding.fail(
          NAME,
          "the ledger's latest checkpoint is not signed by " + file + ": " + e.getMessage(),
          "restore " + file.getParent() + " from the backup that belongs to " + in.database());
    }
  }
}
