package io.vigil.sync.command;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Hostile bytes as a command's envelope: each is verified or refused with {@link CommandException},
 * and nothing else escapes.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs once over the seeds in {@code
 * CommandVerifierFuzzTestInputs}; with it, Jazzer mutates them (see the README's "Fuzzing").
 */
class CommandVerifierFuzzTest {

  private static final FuzzedCommands COMMANDS = new FuzzedCommands();

  @FuzzTest(maxDuration = "5s")
  void verifiesAnEnvelopeOrRefusesItWithACode(byte[] envelope) {
    try {
      COMMANDS.verifier.verify(envelope, COMMANDS.root);
    } catch (CommandException expected) {
      // refused with a code
    }
  }
}
