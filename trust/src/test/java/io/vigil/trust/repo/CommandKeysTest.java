package io.vigil.trust.repo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.json.Json;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.tuf.DirectorySource;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.MutableClock;
import io.vigil.trust.tuf.Role;
import io.vigil.trust.tuf.Root;
import io.vigil.trust.tuf.Updater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manufacturer's command keys in the root's {@code x-vigil-commands} field. */
class CommandKeysTest {

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path base;
  final MutableClock clock = new MutableClock(START);
  final Map<String, SigningKey> keys = new HashMap<>();
  final SigningKey command = SigningKey.generate();
  Path dir;
  Repository repo;

  @BeforeEach
  void createDemonstrationRepository() {
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      keys.put(role, SigningKey.generate());
    }
    dir = base.resolve("repository");
    repo = Repository.create(dir, Repository.inMemory(keys), clock, Expiry.DEFAULT, true);
  }

  @Test
  void aNewRootVersionListsTheCommandKeyBesideTheRoleKeys() throws IOException {
    repo.commandKeys(List.of(command.publicKey()), 1);

    JsonNode signed =
        Json.parse(Files.readAllBytes(dir.resolve("metadata/2.root.json"))).get("signed");
    assertEquals(
        "{\"keyids\":[\"" + command.keyId() + "\"],\"threshold\":1}",
        signed.get(Root.COMMANDS_FIELD).toString());
    assertTrue(signed.get("keys").has(command.keyId()));
    assertEquals(4, signed.get("roles").size());
    assertEquals(Map.of(command.keyId(), command.publicKey()), repo.root().commandKeys());
  }

  @Test
  void aRootWithCommandKeysRoundTripsWithItsDemonstrationMark() throws IOException {
    repo.commandKeys(List.of(command.publicKey()), 1);
    byte[] file = Files.readAllBytes(dir.resolve("metadata/2.root.json"));

    Root read = Metadata.root(file).signed();
    Root again = Metadata.root(Metadata.sign(read, List.of(keys.get("root"))).bytes()).signed();

    assertEquals(repo.root(), read);
    assertEquals(read, again);
    assertTrue(again.demo());
    assertEquals(Optional.of(new Role(List.of(command.keyId()), 1)), again.commands());
  }

  @Test
  void theExtendedRootVerifiesUnderItsOwnSignaturesAndAGatewayFollowsIt() throws IOException {
    Updater gateway = gateway();
    gateway.refresh();

    repo.commandKeys(List.of(command.publicKey()), 1);
    Metadata<Root> root = Metadata.root(Files.readAllBytes(dir.resolve("metadata/2.root.json")));
    root.verify("root", root.signed().role("root"), root.signed().keys());
    gateway.refresh();

    assertEquals(2, gateway.root().version());
    assertEquals(Map.of(command.keyId(), command.publicKey()), gateway.root().commandKeys());
  }

  @Test
  void aChangedCommandFieldBreaksTheRootSignature() throws IOException {
    repo.commandKeys(List.of(command.publicKey()), 1);
    ObjectNode doc =
        (ObjectNode) Json.parse(Files.readAllBytes(dir.resolve("metadata/2.root.json")));
    ((ObjectNode) doc.get("signed").get(Root.COMMANDS_FIELD)).put("threshold", 1);
    ((ObjectNode) doc.get("signed").get(Root.COMMANDS_FIELD))
        .putArray("keyids")
        .add(keys.get("targets").keyId());
    Metadata<Root> forged = Metadata.root(Json.pretty(doc));

    TrustException e =
        assertThrows(
            TrustException.class,
            () -> forged.verify("root", forged.signed().role("root"), forged.signed().keys()));

    assertEquals(Code.UNSIGNED, e.code());
  }

  @Test
  void anotherCommandKeyReplacesTheOldOneInTheNextRoot() {
    repo.commandKeys(List.of(command.publicKey()), 1);
    SigningKey next = SigningKey.generate();

    repo.commandKeys(List.of(next.publicKey()), 1);

    assertEquals(3, repo.root().version());
    assertEquals(Map.of(next.keyId(), next.publicKey()), repo.root().commandKeys());
    assertFalse(repo.root().keys().containsKey(command.keyId()));
  }

  @Test
  void rotatingARoleKeepsTheCommandKeys() {
    repo.commandKeys(List.of(command.publicKey()), 1);

    repo.rotate("targets");
    repo.rotate("root");

    assertEquals(4, repo.root().version());
    assertEquals(Map.of(command.keyId(), command.publicKey()), repo.root().commandKeys());
  }

  @Test
  void aRootWithoutTheFieldHasNoCommandKeys() {
    assertEquals(Optional.empty(), repo.root().commands());
    assertEquals(Map.of(), repo.root().commandKeys());
  }

  @Test
  void refusesACommandFieldNamingAKeyTheRootDoesNotHold() {
    assertMalformed(
        "{\"keyids\":[\"" + command.keyId() + "\"],\"threshold\":1}",
        "which root.keys does not hold");
  }

  @Test
  void refusesACommandFieldWithAnUnknownMember() {
    assertMalformed(
        "{\"keyids\":[\"" + keys.get("root").keyId() + "\"],\"threshold\":1,\"role\":\"x\"}",
        "holds only keyids and threshold, not 'role'");
  }

  @Test
  void refusesACommandThresholdNoCommandCouldMeet() {
    assertMalformed(
        "{\"keyids\":[\"" + keys.get("root").keyId() + "\"],\"threshold\":2}",
        "only 1 key(s) are named");
  }

  @Test
  void refusesACommandFieldThatIsNotAnObject() {
    assertMalformed("[]", "root.x-vigil-commands must be an object");
  }

  private void assertMalformed(String field, String expected) {
    ObjectNode doc = (ObjectNode) Json.parse(Metadata.sign(repo.root(), List.of()).bytes());
    ((ObjectNode) doc.get("signed")).set(Root.COMMANDS_FIELD, Json.parse(field.getBytes(UTF_8)));

    TrustException e = assertThrows(TrustException.class, () -> Metadata.root(Json.pretty(doc)));

    assertEquals(Code.MALFORMED, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private Updater gateway() throws IOException {
    Path metadata = base.resolve("gateway");
    Updater.initialize(metadata, Files.readAllBytes(repo.firstRoot()));
    return Updater.open(metadata, DirectorySource.of(dir), clock, Updater.Limits.DEFAULT);
  }
}
