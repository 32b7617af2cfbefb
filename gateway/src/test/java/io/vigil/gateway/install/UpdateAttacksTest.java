package io.vigil.gateway.install;

import static io.vigil.gateway.install.ManufacturerRepository.read;
import static io.vigil.gateway.install.ManufacturerRepository.release;
import static io.vigil.gateway.install.ManufacturerRepository.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.key.PublicKey;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.repo.Expiry;
import io.vigil.trust.tuf.DelegatedRole;
import io.vigil.trust.tuf.Delegations;
import io.vigil.trust.tuf.MetaFile;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Role;
import io.vigil.trust.tuf.Root;
import io.vigil.trust.tuf.Snapshot;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Targets;
import io.vigil.trust.tuf.Timestamp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per attack on the update channel, through the whole install path of a running gateway:
 * each attack is refused with a message that names it, the refusal is a ledger event naming the
 * check, nothing is installed, and the model that was serving goes on serving.
 */
class UpdateAttacksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  @TempDir Path repoDir;

  private ManufacturerRepository manufacturer;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void aGatewayServesReleaseTwoFromItsManufacturer() {
    manufacturer = new ManufacturerRepository(repoDir);
    manufacturer.approve(release(2));
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    InstallReport first = gateway.install(manufacturer.request(true));
    assertEquals(1, first.installed().size(), first.toMap().toString());
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void refusesAForgedSignature() {
    manufacturer.repo.timestamp();
    Path file = manufacturer.metadata("timestamp.json");
    String text = new String(read(file), StandardCharsets.UTF_8);
    int sig = text.indexOf("\"sig\" : \"") + 9;
    char flipped = text.charAt(sig) == 'a' ? 'b' : 'a';
    write(
        file,
        (text.substring(0, sig) + flipped + text.substring(sig + 1))
            .getBytes(StandardCharsets.UTF_8));

    assertRefusedAndStillServing(
        "unsigned", "timestamp metadata version 3 has 0 valid signature(s)");
  }

  @Test
  void refusesSignaturesBelowTheThreshold() {
    SigningKey stolen = SigningKey.generate();
    Timestamp current = manufacturer.repo.latestTimestamp();
    publish("timestamp.json", next(current), List.of(stolen));

    assertRefusedAndStillServing("unsigned", "its threshold is 1");
  }

  @Test
  void refusesOneKeySigningTwice() throws Exception {
    manufacturer.repo.timestamp();
    Path file = manufacturer.metadata("timestamp.json");
    ObjectNode doc = (ObjectNode) JSON.readTree(read(file));
    ArrayNode sigs = (ArrayNode) doc.get("signatures");
    sigs.add(sigs.get(0).deepCopy());
    write(file, JSON.writeValueAsBytes(doc));

    assertRefusedAndStillServing("malformed", "two signatures by key");
  }

  @Test
  void refusesARootThatSkipsAVersion() {
    Root root = manufacturer.repo.root();
    Root skipping = new Root(3, root.expires(), true, root.keys(), root.roles(), false);
    publish("2.root.json", skipping, List.of(manufacturer.keys.get("root")));

    assertRefusedAndStillServing(
        "bad-root-rotation", "root version 3 was offered where version 2 must come next");
  }

  @Test
  void refusesARootNotSignedByTheOldRootKeys() {
    SigningKey attacker = SigningKey.generate();
    publish("2.root.json", rootTrusting(attacker), List.of(attacker));

    assertRefusedAndStillServing(
        "bad-root-rotation", "not signed by the threshold of trusted root version 1");
  }

  @Test
  void refusesARootNotSignedByItsOwnNewKeys() {
    SigningKey next = SigningKey.generate();
    publish("2.root.json", rootTrusting(next), List.of(manufacturer.keys.get("root")));

    assertRefusedAndStillServing("bad-root-rotation", "not signed by its own threshold");
  }

  @Test
  void refusesATimestampRollbackAcrossARestart() {
    byte[] older = read(manufacturer.metadata("timestamp.json"));
    manufacturer.repo.timestamp();
    gateway.install(manufacturer.request(false));
    gateway.close();
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    write(manufacturer.metadata("timestamp.json"), older);

    assertRefusedAndStillServing(
        "rollback", "timestamp version 2 was offered, older than the trusted version 3");
  }

  @Test
  void refusesATimestampThatListsAnOlderSnapshot() {
    Timestamp current = manufacturer.repo.latestTimestamp();
    Timestamp stale =
        new Timestamp(
            current.version() + 1,
            current.expires(),
            new MetaFile(1, OptionalLong.empty(), Map.of()));
    publish("timestamp.json", stale, List.of(manufacturer.keys.get("timestamp")));

    assertRefusedAndStillServing(
        "rollback", "lists snapshot version 1, older than the trusted snapshot version 2");
  }

  @Test
  void refusesASnapshotThatListsOlderTargets() {
    Snapshot current = manufacturer.repo.latestSnapshot();
    Snapshot stale =
        new Snapshot(
            current.version() + 1,
            current.expires(),
            Map.of("targets.json", new MetaFile(1, OptionalLong.empty(), Map.of())));
    byte[] file =
        publish(
            stale.version() + ".snapshot.json", stale, List.of(manufacturer.keys.get("snapshot")));
    Timestamp current2 = manufacturer.repo.latestTimestamp();
    publish(
        "timestamp.json",
        new Timestamp(
            current2.version() + 1,
            current2.expires(),
            new MetaFile(stale.version(), OptionalLong.of(file.length), Map.of())),
        List.of(manufacturer.keys.get("timestamp")));

    assertRefusedAndStillServing(
        "rollback", "targets.json version 1 was offered, older than the trusted version 2");
  }

  @Test
  void refusesAModelReleaseRollbackAlsoAfterARestart() {
    manufacturer.repo.remove(TargetCustom.targetPath(release(2).manifest()));
    manufacturer.approve(release(1));

    assertRefusedAndStillServing(
        "release-counter", "release 1 is offered, but release 2 is installed");
    gateway.close();
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    assertRefusedAndStillServing(
        "release-counter", "release 1 is offered, but release 2 is installed");
  }

  @Test
  void refusesExpiredMetadata() {
    Timestamp current = manufacturer.repo.latestTimestamp();
    Timestamp expired =
        new Timestamp(
            current.version() + 1,
            Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS),
            current.snapshot());
    publish("timestamp.json", expired, List.of(manufacturer.keys.get("timestamp")));

    assertRefusedAndStillServing("expired", "timestamp metadata version 3 expired at");
  }

  @Test
  void refusesASnapshotThatIsNotTheOneTheTimestampLists() {
    byte[] older = read(manufacturer.metadata("2.snapshot.json"));
    manufacturer.repo.signAll();
    long v = manufacturer.repo.latestSnapshot().version();
    write(manufacturer.metadata(v + ".snapshot.json"), older);

    assertRefusedAndStillServing("mix-and-match", "snapshot metadata");
  }

  @Test
  void refusesTargetBytesThatDifferFromTheSignedHash() {
    Bundle three = release(3);
    manufacturer.approve(three);
    Path target = manufacturer.targetFile(three);
    byte[] bytes = read(target);
    bytes[bytes.length / 2] ^= 1;
    write(target, bytes);

    assertRefusedAndStillServing("target-mismatch", "does not match its signed sha256");
  }

  @Test
  void refusesATargetLongerThanItsSignedLength() {
    Bundle three = release(3);
    manufacturer.approve(three);
    Path target = manufacturer.targetFile(three);
    byte[] bytes = read(target);
    write(target, java.util.Arrays.copyOf(bytes, bytes.length + 1024 * 1024));

    assertRefusedAndStillServing("too-long", "over its cap of " + bytes.length);
  }

  @Test
  void refusesMetadataOverItsLengthCap() {
    manufacturer.repo.timestamp();
    Path file = manufacturer.metadata("timestamp.json");
    String text = new String(read(file), StandardCharsets.UTF_8);
    write(file, (text + " ".repeat(20_000)).getBytes(StandardCharsets.UTF_8));

    assertRefusedAndStillServing("too-long", "over its cap of 16384");
  }

  @Test
  void refusesMalformedMetadata() {
    write(
        manufacturer.metadata("timestamp.json"),
        "{\"signed\": {\"_type\": \"timestamp\",".getBytes(StandardCharsets.UTF_8));

    assertRefusedAndStillServing("malformed", "timestamp metadata is not valid JSON");
  }

  @Test
  void refusesMetadataOfTheWrongType() {
    manufacturer.repo.signAll();
    long v = manufacturer.repo.latestSnapshot().version();
    write(
        manufacturer.metadata("timestamp.json"), read(manufacturer.metadata(v + ".snapshot.json")));

    assertRefusedAndStillServing(
        "malformed", "expected timestamp metadata, found _type 'snapshot'");
  }

  @Test
  void recoversFromAFastForwardedTimestampOnceItsKeyIsRotated() {
    byte[] genuine = read(manufacturer.metadata("timestamp.json"));
    Timestamp current = manufacturer.repo.latestTimestamp();
    publish(
        "timestamp.json",
        new Timestamp(1000, current.expires(), current.snapshot()),
        List.of(manufacturer.keys.get("timestamp")));
    gateway.install(manufacturer.request(false));
    write(manufacturer.metadata("timestamp.json"), genuine);
    assertRefusedAndStillServing(
        "rollback", "timestamp version 2 was offered, older than the trusted version 1000");

    manufacturer.repo.rotate("timestamp");
    InstallReport report = gateway.install(manufacturer.request(false));

    assertEquals(2, report.rootVersion());
    assertTrue(report.refused().isEmpty(), report.toMap().toString());
    assertTrue(
        new String(
                read(dataDir.resolve("trust/manufacturer/timestamp.json")), StandardCharsets.UTF_8)
            .contains("\"version\" : 3"));
  }

  @Test
  void refusesABundleThatADelegatedRoleSignedOutsideItsPaths() {
    SigningKey team = SigningKey.generate();
    Bundle three = release(3);
    String path = TargetCustom.targetPath(three.manifest());
    ManufacturerRepository.write(manufacturer.targetFile(three), three.bytes());
    Targets delegated =
        new Targets(
            1,
            manufacturer.repo.targets().expires(),
            Map.of(
                path,
                new TargetFile(
                    path,
                    three.bytes().length,
                    Map.of("sha256", three.sha256()),
                    java.util.Optional.of(
                        TargetCustom.of(three.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of())
                            .toJson()))),
            java.util.Optional.empty());
    byte[] teamFile = publish("1.team-a.json", delegated, List.of(team));
    Targets top = manufacturer.repo.targets();
    Targets delegating =
        new Targets(
            top.version() + 1,
            top.expires(),
            top.targets(),
            java.util.Optional.of(
                new Delegations(
                    Map.of(team.keyId(), team.publicKey()),
                    List.of(
                        new DelegatedRole(
                            "team-a",
                            new Role(List.of(team.keyId()), 1),
                            false,
                            java.util.Optional.of(List.of("other-model/*")),
                            java.util.Optional.empty())),
                    java.util.Optional.empty())));
    byte[] topFile =
        publish(
            delegating.version() + ".targets.json",
            delegating,
            List.of(manufacturer.keys.get("targets")));
    Snapshot s = manufacturer.repo.latestSnapshot();
    Snapshot snapshot =
        new Snapshot(
            s.version() + 1,
            s.expires(),
            Map.of(
                "targets.json",
                    new MetaFile(delegating.version(), OptionalLong.of(topFile.length), Map.of()),
                "team-a.json", new MetaFile(1, OptionalLong.of(teamFile.length), Map.of())));
    byte[] snapshotFile =
        publish(
            snapshot.version() + ".snapshot.json",
            snapshot,
            List.of(manufacturer.keys.get("snapshot")));
    Timestamp t = manufacturer.repo.latestTimestamp();
    publish(
        "timestamp.json",
        new Timestamp(
            t.version() + 1,
            t.expires(),
            new MetaFile(snapshot.version(), OptionalLong.of(snapshotFile.length), Map.of())),
        List.of(manufacturer.keys.get("timestamp")));

    assertRefusedAndStillServing(
        "not-approved", "is listed by [team-a], but no role is delegated to approve that path");
  }

  @Test
  void aDemonstrationRootApprovesNoClinicalBundle() throws Exception {
    ManufacturerRepository demo = demoRepository();
    demo.approve(TestBundles.clinicalBundle(ManufacturerRepository.MODEL, "1.0.5", 5));
    InstallRequest request =
        new InstallRequest(
            Installer.DEMO,
            demo.source(),
            java.util.Optional.of(demo.firstRoot()),
            "operator:test",
            java.util.Optional.empty());

    InstallReport report = gateway.install(request);

    assertEquals(1, report.refused().size(), report.toMap().toString());
    assertEquals("demo-root", report.refused().get(0).check());
    assertStillServingReleaseTwo();
  }

  @Test
  void aDemonstrationRootIsTrustedUnderNoOtherName() throws Exception {
    ManufacturerRepository demo = demoRepository();
    InstallRequest request =
        new InstallRequest(
            "hospital-vendor",
            demo.source(),
            java.util.Optional.of(demo.firstRoot()),
            "operator:test",
            java.util.Optional.empty());

    GatewayException e = assertThrows(GatewayException.class, () -> gateway.install(request));

    assertEquals(GatewayException.Code.UPDATE_REFUSED, e.code());
    assertTrue(e.getMessage().contains("can be trusted only as repository 'demo'"), e.getMessage());
    assertTrue(Files.notExists(dataDir.resolve("trust/hospital-vendor/root.json")));
    assertStillServingReleaseTwo();
  }

  private ManufacturerRepository demoRepository() throws java.io.IOException {
    return new ManufacturerRepository(
        Files.createDirectory(repoDir.resolve("demo-like")),
        Clock.systemUTC(),
        Expiry.DEFAULT,
        true);
  }

  private Root rootTrusting(SigningKey newRootKey) {
    Root root = manufacturer.repo.root();
    Map<String, PublicKey> keys = new TreeMap<>(root.keys());
    keys.put(newRootKey.keyId(), newRootKey.publicKey());
    Map<String, Role> roles = new TreeMap<>(root.roles());
    roles.put("root", new Role(List.of(newRootKey.keyId()), 1));
    return new Root(2, root.expires(), true, keys, roles, false);
  }

  private static Timestamp next(Timestamp t) {
    return new Timestamp(t.version() + 1, t.expires(), t.snapshot());
  }

  private byte[] publish(String name, io.vigil.trust.tuf.Signed signed, List<SigningKey> signers) {
    byte[] bytes = Metadata.sign(signed, signers).bytes();
    write(manufacturer.metadata(name), bytes);
    return bytes;
  }

  /**
   * Installs, expecting a refusal by {@code check} whose message holds {@code words}; then checks
   * the ledger's event and that release 2 still answers.
   */
  private void assertRefusedAndStillServing(String check, String words) {
    long before = ledgerSize();
    String message;
    String refusedCheck;
    try {
      InstallReport report = gateway.install(manufacturer.request(false));
      assertEquals(1, report.refused().size(), "expected a refusal, got " + report.toMap());
      assertTrue(report.installed().isEmpty());
      message = report.refused().get(0).reason();
      refusedCheck = report.refused().get(0).check();
    } catch (GatewayException e) {
      assertEquals(GatewayException.Code.UPDATE_REFUSED, e.code());
      message = e.getMessage();
      refusedCheck = lastRefusal(before).path("check").asText();
    }
    assertEquals(check, refusedCheck, message);
    assertTrue(message.contains(words), "expected '" + words + "' in: " + message);
    JsonNode event = lastRefusal(before);
    assertEquals(check, event.path("check").asText(), event.toString());
    assertTrue(event.path("reason").asText().contains(words), event.toString());
    assertStillServingReleaseTwo();
  }

  private void assertStillServingReleaseTwo() {
    assertEquals(2, gateway.models().active(ManufacturerRepository.MODEL).manifest().release());
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + gateway.port() + "/v2/models/test-model/infer"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"inputs\": [{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1, 3], \"data\": [1, 1.5, -2]}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("1.0.2", JSON.readTree(r.body()).path("model_version").asText(), r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long ledgerSize() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      return reader.size();
    }
  }

  private JsonNode lastRefusal(long from) {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<StoredEntry> entries = reader.entries(from, reader.size());
      for (int i = entries.size() - 1; i >= 0; i--) {
        if (entries.get(i).entry() instanceof EventEntry e && e.type().equals("update.refused")) {
          return JSON.readTree(e.details());
        }
      }
      throw new AssertionError("no update.refused event after entry " + from);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
