package io.vigil.gateway.cli;

import io.vigil.audit.Checkpoint;
import io.vigil.audit.LedgerRecovery;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.ledger.Signers;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code vigil audit recover}: the way out of a ledger that the gateway refuses to start on because
 * it is damaged. The damaged files are moved aside, intact, for the quality team and an inspector;
 * the new ledger's first entry names them, their digests and the old ledger's last checkpoint that
 * still verifies, so that the history stays one chain. Run it with the service stopped.
 */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description =
        "Move a damaged ledger aside, intact, into ledger-damaged-<time>/ next to it, and start a"
            + " new ledger whose first entry names it and its last verified checkpoint."
            + " Stop the service first.")
final class RecoverCommand implements Callable<Integer> {

  @Mixin DataDirOptions data;

  @Override
  public Integer call() {
    VigilConfig config = data.config();
    LedgerRecovery.Result r =
        LedgerRecovery.recover(
            Ledgers.options(config),
            Signers.of(Ledgers.identity(config)),
            Clock.systemUTC(),
            System.getProperty("user.name"));
    System.out.printf(
        "vigil: moved the damaged ledger, intact, to %s (%d files; their SHA-256 digests are in the"
            + " new ledger's first entry)%n",
        r.folder(), r.files().size());
    System.out.println("vigil: " + continuation(r.lastVerified()));
    System.out.printf(
        "vigil: the new ledger %s starts with that entry (sequence %d); the gateway can start%n",
        Ledgers.database(config.dataDir()), r.continued().seq());
    return 0;
  }

  private static String continuation(Optional<Checkpoint> last) {
    return last.map(
            c ->
                "the new ledger continues from the old one's last verified checkpoint: "
                    + c.size()
                    + " entries, root "
                    + c.root())
        .orElse(
            "no checkpoint of the old ledger verifies any more: the new ledger names the old"
                + " files and their digests only; keep the folder for the quality team");
  }
}
