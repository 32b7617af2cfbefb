package io.vigil.sync.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.sync.command.Command.Name;
import io.vigil.sync.command.CommandException.Code;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.repo.Repository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A gateway verifying the manufacturer's commands against the command keys of its TUF root. */
class CommandVerifierTest {

  private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");
  private static final String SHA =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @TempDir Path base;
  final Map<String, SigningKey> roleKeys = new HashMap<>();
  final SigningKey commandKey = SigningKey.generate();
  Repository repo;
  Path guardFile;
  long counter;

  @BeforeEach
  void manufacturerWithACommandKey() {
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      roleKeys.put(role, SigningKey.generate());
    }
    repo =
        Repository.create(
            base.resolve("repository"),
            Repository.inMemory(roleKeys),
            Clock.fixed(NOW.minus(Duration.ofDays(1)), ZoneOffset.UTC),
            Expiry.DEFAULT,
            false);
    repo.commandKeys(List.of(commandKey.publicKey()), 1);
    guardFile = base.resolve("gateway/commands.json");
  }

  @Test
  void acceptsAValidCommandOnceAndRefusesItsReplay() {
    byte[] envelope = sign(rollback("gw-1"), commandKey);
    CommandVerifier verifier = verifier(NOW);

    Command command = verifier.verify(envelope, repo.root());
    verifier.accept(command);

    assertEquals(Name.ROLLBACK, command.name());
    assertEquals(Map.of("model", "wdbc", "version", "1.0.0", "sha256", SHA), command.arguments());
    assertRefused(Code.REPLAYED, () -> verifier.verify(envelope, repo.root()));
  }

  @Test
  void refusesAReplayAfterARestart() {
    byte[] envelope = sign(rollback("gw-1"), commandKey);
    CommandVerifier before = verifier(NOW);
    before.accept(before.verify(envelope, repo.root()));

    CommandVerifier afterRestart = verifier(NOW);

    CommandException e =
        assertRefused(Code.REPLAYED, () -> afterRestart.verify(envelope, repo.root()));
    assertTrue(e.getMessage().contains("was accepted before"), e.getMessage());
  }

  @Test
  void aVerifiedCommandIsNotRememberedUntilItIsAccepted() {
    byte[] envelope = sign(rollback("gw-1"), commandKey);
    CommandVerifier verifier = verifier(NOW);

    verifier.verify(envelope, repo.root());
    Command again = verifier.verify(envelope, repo.root());

    assertEquals(1, again.counter());
    assertEquals(0, ReplayGuard.open(guardFile).highestCounter());
  }

  @Test
  void refusesANewCommandWhoseCounterIsNotAboveTheHighestAccepted() {
    Command later = command("gw-1", Name.SUMMARY_NOW, Map.of(), 5, NOW, Duration.ofHours(1));
    Command earlier = command("gw-1", Name.SUMMARY_NOW, Map.of(), 4, NOW, Duration.ofHours(1));
    CommandVerifier verifier = verifier(NOW);
    verifier.accept(verifier.verify(sign(later, commandKey), repo.root()));

    CommandException e =
        assertRefused(Code.REPLAYED, () -> verifier.verify(sign(earlier, commandKey), repo.root()));

    assertTrue(e.getMessage().contains("counter 4, not above the highest accepted, 5"));
  }

  @Test
  void refusesAnIdAcceptedBeforeEvenWithAHigherCounter() {
    Command first = command("gw-1", Name.SUMMARY_NOW, Map.of(), 1, NOW, Duration.ofHours(1));
    Command reissued =
        new Command(
            first.id(),
            first.fleet(),
            first.gateway(),
            first.name(),
            first.arguments(),
            2,
            first.issuedAt(),
            first.expiresAt());
    CommandVerifier verifier = verifier(NOW);
    verifier.accept(verifier.verify(sign(first, commandKey), repo.root()));

    assertRefused(Code.REPLAYED, () -> verifier.verify(sign(reissued, commandKey), repo.root()));
  }

  @Test
  void acceptsOnlyOnceWhenTwoAcceptancesRace() {
    CommandVerifier verifier = verifier(NOW);
    Command command = verifier.verify(sign(rollback("gw-1"), commandKey), repo.root());
    verifier.accept(command);

    assertRefused(Code.REPLAYED, () -> verifier.accept(command));
  }

  @Test
  void refusesEveryCommandWhenTheRootHasNoCommandKeys(@TempDir Path other) {
    Repository plain =
        Repository.create(
            other,
            Repository.inMemory(roleKeys),
            Clock.fixed(NOW, ZoneOffset.UTC),
            Expiry.DEFAULT,
            false);

    CommandException e =
        assertRefused(
            Code.NO_COMMAND_KEY,
            () -> verifier(NOW).verify(sign(rollback("gw-1"), commandKey), plain.root()));

    assertTrue(e.getMessage().contains("names no command keys"), e.getMessage());
  }

  @Test
  void refusesAnUnsignedCommand() {
    ObjectNode doc = envelopeJson(sign(rollback("gw-1"), commandKey));
    doc.putArray("signatures");

    assertRefused(Code.UNSIGNED, () -> verifier(NOW).verify(Json.pretty(doc), repo.root()));
    doc.remove("signatures");
    assertRefused(Code.UNSIGNED, () -> verifier(NOW).verify(Json.pretty(doc), repo.root()));
  }

  @Test
  void refusesACommandSignedByAKeyThatIsNotACommandKey() {
    byte[] envelope = sign(rollback("gw-1"), roleKeys.get("targets"));

    CommandException e =
        assertRefused(Code.UNKNOWN_KEY, () -> verifier(NOW).verify(envelope, repo.root()));

    assertTrue(e.getMessage().contains(roleKeys.get("targets").keyId()), e.getMessage());
  }

  @Test
  void refusesAnotherPayloadTypeSignedByTheCommandKey() {
    byte[] envelope =
        Envelope.sign(
                "application/vnd.vigil.summary+json",
                CommandJson.write(rollback("gw-1")),
                List.of(commandKey))
            .toJson();

    assertRefused(Code.WRONG_PAYLOAD_TYPE, () -> verifier(NOW).verify(envelope, repo.root()));
  }

  @Test
  void refusesATamperedPayload() {
    ObjectNode doc = envelopeJson(sign(rollback("gw-1"), commandKey));
    byte[] other = CommandJson.write(command("gw-1", Name.SUSPEND, Map.of("model", "wdbc"), 1));
    doc.put("payload", Base64.getEncoder().encodeToString(other));

    assertRefused(Code.TAMPERED, () -> verifier(NOW).verify(Json.pretty(doc), repo.root()));
  }

  @Test
  void refusesOneSignatureWhenTheThresholdIsTwo() {
    SigningKey second = SigningKey.generate();
    repo.commandKeys(List.of(commandKey.publicKey(), second.publicKey()), 2);

    CommandException e =
        assertRefused(
            Code.BELOW_THRESHOLD,
            () -> verifier(NOW).verify(sign(rollback("gw-1"), commandKey), repo.root()));

    assertTrue(e.getMessage().contains("1 valid signature(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("its threshold is 2"), e.getMessage());
  }

  @Test
  void countsAKeyOnceHoweverOftenItSigned() {
    SigningKey second = SigningKey.generate();
    repo.commandKeys(List.of(commandKey.publicKey(), second.publicKey()), 2);

    assertRefused(
        Code.BELOW_THRESHOLD,
        () -> verifier(NOW).verify(sign(rollback("gw-1"), commandKey, commandKey), repo.root()));
  }

  @Test
  void acceptsTwoSignaturesWhenTheThresholdIsTwo() {
    SigningKey second = SigningKey.generate();
    repo.commandKeys(List.of(commandKey.publicKey(), second.publicKey()), 2);

    Command command = verifier(NOW).verify(sign(rollback("gw-1"), commandKey, second), repo.root());

    assertEquals("gw-1", command.gateway());
  }

  @Test
  void refusesTheOldKeysCommandsOnceTheRootRotatedTheCommandKey() {
    SigningKey next = SigningKey.generate();
    repo.commandKeys(List.of(next.publicKey()), 1);
    CommandVerifier verifier = verifier(NOW);

    assertRefused(
        Code.UNKNOWN_KEY, () -> verifier.verify(sign(rollback("gw-1"), commandKey), repo.root()));
    assertEquals(3, repo.root().version());
    assertEquals(Name.ROLLBACK, verifier.verify(sign(rollback("gw-1"), next), repo.root()).name());
  }

  @Test
  void refusesACommandForAnotherGateway() {
    CommandException e =
        assertRefused(
            Code.WRONG_GATEWAY,
            () -> verifier(NOW).verify(sign(rollback("gw-2"), commandKey), repo.root()));

    assertTrue(e.getMessage().contains("for gateway gw-2, not gw-1"), e.getMessage());
  }

  @Test
  void refusesACommandForAnotherFleet() {
    Command command =
        new Command(
            "c-1", "other-fleet", "gw-1", Name.SUMMARY_NOW, Map.of(), 1, NOW, NOW.plusSeconds(60));

    assertRefused(
        Code.WRONG_FLEET, () -> verifier(NOW).verify(sign(command, commandKey), repo.root()));
  }

  @Test
  void refusesACommandIssuedFurtherAheadThanTheClockSkew() {
    Instant issued = NOW.plus(CommandVerifier.CLOCK_SKEW).plusSeconds(1);
    Command ahead = command("gw-1", Name.SUMMARY_NOW, Map.of(), 1, issued, Duration.ofHours(1));
    Command withinSkew =
        command("gw-1", Name.SUMMARY_NOW, Map.of(), 2, issued.minusSeconds(1), Duration.ofHours(1));

    assertRefused(
        Code.NOT_YET_VALID, () -> verifier(NOW).verify(sign(ahead, commandKey), repo.root()));
    assertEquals(2, verifier(NOW).verify(sign(withinSkew, commandKey), repo.root()).counter());
  }

  @Test
  void refusesACommandExpiredLongerAgoThanTheClockSkew() {
    Command command =
        command(
            "gw-1", Name.SUMMARY_NOW, Map.of(), 1, NOW.minusSeconds(600), Duration.ofMinutes(5));
    byte[] envelope = sign(command, commandKey);
    Instant expiry = command.expiresAt();

    CommandException e =
        assertRefused(
            Code.EXPIRED,
            () ->
                verifier(expiry.plus(CommandVerifier.CLOCK_SKEW).plusSeconds(1))
                    .verify(envelope, repo.root()));
    assertTrue(e.getMessage().contains("expired at " + expiry), e.getMessage());
    assertEquals(
        1,
        verifier(expiry.plus(CommandVerifier.CLOCK_SKEW)).verify(envelope, repo.root()).counter());
  }

  @Test
  void refusesAnEnvelopeThatIsNotJson() {
    assertRefused(
        Code.MALFORMED, () -> verifier(NOW).verify("{\"payload".getBytes(UTF_8), repo.root()));
  }

  @Test
  void refusesASignedPayloadThatIsNotACommand() {
    byte[] payload =
        "{\"id\":\"c-1\",\"fleet\":\"f\",\"gateway\":\"gw-1\",\"command\":\"reboot\",\"arguments\":{},\"counter\":1,\"issued_at\":\"2030-03-01T12:00:00Z\",\"expires_at\":\"2030-03-01T13:00:00Z\"}"
            .getBytes(UTF_8);
    byte[] envelope = Envelope.sign(Command.PAYLOAD_TYPE, payload, List.of(commandKey)).toJson();

    CommandException e =
        assertRefused(Code.MALFORMED, () -> verifier(NOW).verify(envelope, repo.root()));

    assertTrue(e.getMessage().contains("no command 'reboot'"), e.getMessage());
  }

  private CommandVerifier verifier(Instant now) {
    return CommandVerifier.create(
        "fleet-a", "gw-1", Clock.fixed(now, ZoneOffset.UTC), ReplayGuard.open(guardFile));
  }

  private Command rollback(String gateway) {
    return command(
        gateway, Name.ROLLBACK, Map.of("model", "wdbc", "version", "1.0.0", "sha256", SHA), 1);
  }

  private Command command(String gateway, Name name, Map<String, String> args, long counter) {
    return command(gateway, name, args, counter, NOW, Duration.ofHours(1));
  }

  private static Command command(
      String gateway,
      Name name,
      Map<String, String> args,
      long counter,
      Instant issued,
      Duration lifetime) {
    return Command.create("fleet-a", gateway, name, args, counter, issued, lifetime);
  }

  private static byte[] sign(Command command, SigningKey... keys) {
    return CommandSigner.create(List.of(keys)).sign(command);
  }

  private static ObjectNode envelopeJson(byte[] envelope) {
    return (ObjectNode) Json.parse(envelope);
  }

  private static CommandException assertRefused(Code code, Executable action) {
    CommandException e = assertThrows(CommandException.class, action);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }
}
