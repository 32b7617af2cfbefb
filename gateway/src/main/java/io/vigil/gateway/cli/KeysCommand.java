package io.vigil.gateway.cli;

import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.SigningKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil keys generate}: an Ed25519 key pair in PEM, for a manufacturer or a fleet tool. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manage signing keys.",
    subcommands = {KeysCommand.Generate.class})
final class KeysCommand {

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description =
          "Write a new Ed25519 key pair: NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (PEM),"
              + " and print its TUF key id. An existing key is never overwritten.")
  static final class Generate implements Callable<Integer> {

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where to write the key pair.")
    Path out;

    @Option(
        names = "--name",
        defaultValue = "signing",
        paramLabel = "NAME",
        description = "The files' base name (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
      SigningKey key = SigningKey.generate();
      KeyFiles.write(key, out, name);
      System.out.println(
          "private key "
              + out.resolve(name + KeyFiles.PRIVATE_SUFFIX)
              + " (mode 0600: keep it offline)");
      System.out.println("public key  " + out.resolve(name + KeyFiles.PUBLIC_SUFFIX));
      System.out.println("key id      " + key.keyId());
      return 0;
    }
  }
}
