package io.vigil.sync.command;

import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.key.SigningKey;
import java.util.List;

/**
 * The manufacturer's side: signs commands with its command keys, as many as the root's threshold.
 */
public final class CommandSigner {

  private final List<SigningKey> keys;

  private CommandSigner(List<SigningKey> keys) {
    this.keys = keys;
  }

  /** A signer that signs each command with every one of {@code keys}. */
  public static CommandSigner create(List<SigningKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least one signing key");
    }
    return new CommandSigner(List.copyOf(keys));
  }

  /** The DSSE envelope, as JSON, that carries {@code command} to its gateway. */
  public byte[] sign(Command command) {
    return Envelope.sign(Command.PAYLOAD_TYPE, CommandJson.write(command), keys).toJson();
  }
}
