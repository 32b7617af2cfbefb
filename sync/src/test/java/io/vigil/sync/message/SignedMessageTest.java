package io.vigil.sync.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.TrustException;
import io.vigil.trust.dsse.Envelope;
import io.vigil.trust.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignedMessageTest {

  private static final Instant SENT = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path dir;

  private IdentityKey ward;
  private IdentityKey other;
  private byte[] body;

  @BeforeEach
  void keys() throws Exception {
    ward = IdentityKey.loadOrCreate(Files.createDirectories(dir.resolve("ward")), "gw-ward-3");
    other = IdentityKey.loadOrCreate(Files.createDirectories(dir.resolve("other")), "gw-other");
    body =
        MessageJson.event(
            new Event(
                SENT,
                EventKind.SUSPENDED,
                new ModelRef("sepsis", "1.2.0"),
                SafetyLevel.SUSPEND,
                "drift.psi",
                Optional.of("monitoring.window")));
  }

  @Test
  void roundTripsGatewaySeqSentAtAndBody() {
    byte[] json = SignedMessage.sign(ward, Kind.EVENT, 42, SENT, body).toJson();

    Verifier.Received r = Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(json);

    assertEquals("gw-ward-3", r.gateway());
    assertEquals(42, r.seq());
    assertEquals(SENT, r.sentAt());
    assertEquals(Kind.EVENT, r.kind());
    assertArrayEquals(body, r.body());
  }

  @Test
  void rejectsAMessageSignedByAnotherKeyThanTheGatewaysRegisteredOne() {
    // "other" signs as if it were the ward's gateway.
    IdentityKey impostor = IdentityKey.load(dir.resolve("other"), "gw-ward-3");
    byte[] json = SignedMessage.sign(impostor, Kind.EVENT, 1, SENT, body).toJson();

    TrustException e =
        assertThrows(
            TrustException.class,
            () -> Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(json));
    assertEquals(TrustException.Code.UNSIGNED, e.code());
  }

  @Test
  void rejectsARegisteredGatewaySigningInAnothersName() {
    IdentityKey posing = IdentityKey.load(dir.resolve("other"), "gw-ward-3");
    byte[] json = SignedMessage.sign(posing, Kind.EVENT, 1, SENT, body).toJson();
    Verifier verifier =
        Verifier.create(Map.of("gw-ward-3", ward.publicKey(), "gw-other", other.publicKey()));

    TrustException e = assertThrows(TrustException.class, () -> verifier.verify(json));
    assertEquals(TrustException.Code.UNSIGNED, e.code());
  }

  @Test
  void rejectsATamperedPayload() {
    byte[] json = SignedMessage.sign(ward, Kind.EVENT, 7, SENT, body).toJson();
    ObjectNode doc = (ObjectNode) Json.parse(json);
    String payload =
        new String(
                Base64.getDecoder().decode(doc.get("payload").textValue()), StandardCharsets.UTF_8)
            .replace("\"seq\":7", "\"seq\":8");
    doc.put(
        "payload", Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));

    TrustException e =
        assertThrows(
            TrustException.class,
            () -> Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(Json.pretty(doc)));
    assertEquals(TrustException.Code.UNSIGNED, e.code());
  }

  @Test
  void rejectsAnotherPayloadTypeEvenWhenValidlySigned() {
    byte[] json = ward.signEnvelope("application/vnd.vigil.command+json;v=1", body).toJson();

    TrustException e =
        assertThrows(
            TrustException.class,
            () -> Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(json));
    assertEquals(TrustException.Code.MALFORMED, e.code());
  }

  @Test
  void rejectsAPayloadThatIsNotAMessage() {
    byte[] json = ward.signEnvelope(SignedMessage.EVENT_TYPE, body).toJson();

    TrustException e =
        assertThrows(
            TrustException.class,
            () -> Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(json));
    assertEquals(TrustException.Code.MALFORMED, e.code());
  }

  @Test
  void rejectsASignedBodyWithAFloatingPointNumberAsMalformed() {
    // Found by VerifierFuzzTest: the body's canonical form threw IllegalArgumentException.
    byte[] payload =
        ("{\"body\":{\"p\":0.25},\"gateway\":\"gw-ward-3\","
                + "\"sent_at\":\"2026-12-01T10:00:00Z\",\"seq\":1}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] json = ward.signEnvelope(SignedMessage.SUMMARY_TYPE, payload).toJson();

    TrustException e =
        assertThrows(
            TrustException.class,
            () -> Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(json));
    assertEquals(TrustException.Code.MALFORMED, e.code());
    assertEquals(
        "gateway message: body is not canonical JSON: canonical JSON has no floating-point numbers: 0.25",
        e.getMessage());
  }

  @Test
  void signsTheSameTypeTheEnvelopeDeclares() {
    byte[] json = SignedMessage.sign(ward, Kind.SUMMARY, 3, SENT, body).toJson();
    assertEquals(SignedMessage.SUMMARY_TYPE, Envelope.parse(json).payloadType());
  }

  @Test
  void roundTripsASummaryCarryingACheckpointNote() {
    // Canonical JSON leaves the note's newlines unescaped: signing and verifying must read them.
    String note =
        "gw-ward-3\n5\n" + "A".repeat(43) + "=\n\n\u2014 gw-ward-3 " + "QUJD".repeat(20) + "\n";
    SummaryBuilder b = new SummaryBuilder(SENT, "1.0.0");
    b.checkpoint(new LedgerCheckpoint(note));
    byte[] summary = MessageJson.summary(b.close(SENT));
    byte[] json = SignedMessage.sign(ward, Kind.SUMMARY, 3, SENT, summary).toJson();

    Verifier.Received r = Verifier.create(Map.of("gw-ward-3", ward.publicKey())).verify(json);

    assertArrayEquals(summary, r.body());
    assertEquals(note, Json.parse(r.body()).get("ledger_checkpoint").textValue());
  }

  @Test
  void writesTheConsistencyProofAsTheAuditModuleReadsIt() {
    String note =
        "gw-ward-3\n5\n" + "A".repeat(43) + "=\n\n\u2014 gw-ward-3 " + "QUJD".repeat(20) + "\n";
    String hash = "C".repeat(43) + "=";
    SummaryBuilder b = new SummaryBuilder(SENT, "1.0.0");
    b.checkpoint(new LedgerCheckpoint(note), new LedgerConsistency(3, 5, List.of(hash)));

    byte[] summary = MessageJson.summary(b.close(SENT));

    assertEquals(
        "{\"new_size\":5,\"old_size\":3,\"path\":[\"" + hash + "\"]}",
        Json.parse(summary).get("ledger_consistency").toString());
  }
}
