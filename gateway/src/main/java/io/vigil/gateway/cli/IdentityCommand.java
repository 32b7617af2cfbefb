package io.vigil.gateway.cli;

import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.gateway.ledger.Signers;
import io.vigil.trust.IdentityKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil identity}: the gateway's public key, to give to the manufacturer. */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    description =
        "Print the gateway's public identity key (created on first use), which checks its signed checkpoints.")
final class IdentityCommand implements Callable<Integer> {

  @Mixin DataDirOptions data;

  @Override
  public Integer call() {
    VigilConfig config = data.config();
    IdentityKey key = Ledgers.identity(config);
    System.out.println("name         " + key.name());
    System.out.println("verifier key " + Signers.of(key).verifierKey());
    System.out.println(
        "key file     " + config.dataDir().resolve(Ledgers.KEYS).resolve(IdentityKey.PUBLIC_FILE));
    System.out.print(key.publicKeyPem());
    return 0;
  }
}
