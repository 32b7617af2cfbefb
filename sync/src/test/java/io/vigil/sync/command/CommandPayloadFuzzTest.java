package io.vigil.sync.command;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vigil.trust.dsse.Envelope;
import java.util.List;

/**
 * Hostile bytes as the payload of a command that a trusted command key signed (a stolen command
 * key, or a manufacturer's tool gone wrong): each is verified or refused with {@link
 * CommandException}, and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * CommandPayloadFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class CommandPayloadFuzzTest {

  private static final FuzzedCommands COMMANDS = new FuzzedCommands();

  @FuzzTest(maxDuration = "5s")
  void readsASignedPayloadOrRefusesItWithACode(byte[] payload) {
    byte[] envelope =
        Envelope.sign(Command.PAYLOAD_TYPE, payload, List.of(COMMANDS.commandKey)).toJson();
    try {
      COMMANDS.verifier.verify(envelope, COMMANDS.root);
    } catch (CommandException expected) {
      // refused with a code
    }
  }
}
