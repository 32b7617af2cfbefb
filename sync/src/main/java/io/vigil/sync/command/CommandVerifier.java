package io.vigil.sync.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.sync.command.CommandException.Code;
import io.vigil.trust.TrustException;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.tuf.Role;
import io.vigil.trust.tuf.Root;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The gateway's side: a command is accepted only when enough command keys of the newest trusted
 * root signed it, it names this fleet and gateway, it is valid now, and it is newer than every
 * command accepted before. Each refusal says exactly why, with its {@link Code}.
 */
public final class CommandVerifier {

  /** How far this gateway's clock may be from the manufacturer's and a command still be valid. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final String fleet;
  private final String gateway;
  private final Clock clock;
  private final ReplayGuard guard;

  private CommandVerifier(String fleet, String gateway, Clock clock, ReplayGuard guard) {
    this.fleet = fleet;
    this.gateway = gateway;
    this.clock = clock;
    this.guard = guard;
  }

  /** A verifier for the commands to {@code gateway} of {@code fleet}. */
  public static CommandVerifier create(
      String fleet, String gateway, Clock clock, ReplayGuard guard) {
    return new CommandVerifier(fleet, gateway, clock, guard);
  }

  /**
   * The command in {@code envelope}, verified against the command keys of {@code root} (the newest
   * trusted one) and checked against the replay guard; it is not yet marked accepted: call {@link
   * #accept(Command)} once it was executed.
   *
   * @throws CommandException naming why the command is refused
   */
  public Command verify(byte[] envelope, Root root) {
    Role commands =
        root.commands()
            .orElseThrow(
                () ->
                    new CommandException(
                        Code.NO_COMMAND_KEY,
                        "trusted root version "
                            + root.version()
                            + " names no command keys ("
                            + Root.COMMANDS_FIELD
                            + "): every command is refused"));
    Envelope parsed = parse(envelope);
    if (!parsed.payloadType().equals(Command.PAYLOAD_TYPE)) {
      throw new CommandException(
          Code.WRONG_PAYLOAD_TYPE,
          "payload type is '"
              + parsed.payloadType()
              + "', expected '"
              + Command.PAYLOAD_TYPE
              + "'");
    }
    checkSignatures(parsed, root, commands);
    byte[] payload = parsed.verify(Command.PAYLOAD_TYPE, root.commandKeys(), commands.threshold());
    Command command = CommandJson.read(payload);
    if (!command.fleet().equals(fleet)) {
      throw new CommandException(
          Code.WRONG_FLEET,
          "command " + command.id() + " is for fleet " + command.fleet() + ", not " + fleet);
    }
    if (!command.gateway().equals(gateway)) {
      throw new CommandException(
          Code.WRONG_GATEWAY,
          "command " + command.id() + " is for gateway " + command.gateway() + ", not " + gateway);
    }
    Instant now = clock.instant();
    if (now.plus(CLOCK_SKEW).isBefore(command.issuedAt())) {
      throw new CommandException(
          Code.NOT_YET_VALID,
          "command "
              + command.id()
              + " is issued at "
              + command.issuedAt()
              + ", ahead of this gateway's clock ("
              + now
              + ") by more than "
              + CLOCK_SKEW.toSeconds()
              + " s");
    }
    if (now.minus(CLOCK_SKEW).isAfter(command.expiresAt())) {
      throw new CommandException(
          Code.EXPIRED,
          "command "
              + command.id()
              + " expired at "
              + command.expiresAt()
              + "; it is "
              + now
              + " (skew allowed: "
              + CLOCK_SKEW.toSeconds()
              + " s)");
    }
    guard.check(command);
    return command;
  }

  /** Marks {@code command}, verified and executed, as accepted: it is refused from now on. */
  public void accept(Command command) {
    guard.accept(command);
  }

  private static Envelope parse(byte[] envelope) {
    JsonNode doc;
    try {
      doc = Json.parse(envelope);
    } catch (IllegalArgumentException e) {
      throw new CommandException(Code.MALFORMED, "envelope is not valid JSON: " + e.getMessage());
    }
    JsonNode signatures = doc.get("signatures");
    if (doc.isObject() && (signatures == null || signatures.isArray() && signatures.isEmpty())) {
      throw new CommandException(Code.UNSIGNED, "the command's envelope carries no signature");
    }
    try {
      return Envelope.parse(envelope);
    } catch (TrustException e) {
      throw new CommandException(Code.MALFORMED, e.getMessage());
    }
  }

  private static void checkSignatures(Envelope envelope, Root root, Role commands) {
    Map<String, PublicKey> trusted = root.commandKeys();
    Envelope.Tally tally = envelope.tally(trusted);
    if (tally.valid() >= commands.threshold()) {
      return;
    }
    String counts =
        tally.valid()
            + " valid signature(s) by distinct command keys of root version "
            + root.version()
            + "; its threshold is "
            + commands.threshold();
    if (tally.byTrusted() == 0) {
      throw new CommandException(
          Code.UNKNOWN_KEY,
          "no signature is by a command key of root version "
              + root.version()
              + " (signed by "
              + envelope.signatures().stream().map(Envelope.Signature::keyId).toList()
              + ")");
    }
    if (tally.invalid() > 0) {
      throw new CommandException(
          Code.TAMPERED,
          tally.invalid()
              + " signature(s) by command keys do not verify: the payload was changed; "
              + counts);
    }
    throw new CommandException(Code.BELOW_THRESHOLD, counts);
  }
}
