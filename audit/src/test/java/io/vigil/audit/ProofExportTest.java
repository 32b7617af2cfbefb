package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProofExportTest {

  private static final VerifierKey KEY = TestLedgers.signer().verifierKey();

  @TempDir Path dir;

  @BeforeEach
  void ledgerOf35EntriesCheckpointedOnClose() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 30);
      TestLedgers.checkpoint(ledger);
      TestLedgers.append(ledger, 5);
    }
  }

  private LedgerReader reader() {
    return LedgerReader.open(dir.resolve("audit.db"));
  }

  @Test
  void provesAnEntryWithAJsonProofThatChecksWithThePublicKeyAlone() {
    try (LedgerReader reader = reader()) {
      String json = reader.prove(11).toJson();

      EntryProof checked = EntryProof.check(json, KEY);

      assertEquals(11, checked.inclusion().leafIndex());
      assertEquals(35, checked.inclusion().treeSize());
      assertEquals(TestLedgers.prediction(11), checked.entry().orElseThrow().entry());
      assertEquals(checked.checkpoint().root(), reader.root(35));
    }
  }

  @Test
  void refusesAProofWhoseEntryLeafIndexSizeOrKeyWasChanged() {
    String json;
    try (LedgerReader reader = reader()) {
      json = reader.prove(11).toJson();
    }

    assertInvalid(json.replace("\"req-11\"", "\"req-12\""), AuditException.Code.INVALID_PROOF);
    assertInvalid(
        json.replace("\"leaf_index\":11", "\"leaf_index\":12"), AuditException.Code.INVALID_PROOF);
    assertInvalid(
        json.replace("\"tree_size\":35", "\"tree_size\":34"), AuditException.Code.INVALID_PROOF);
    String withoutEntry = json.replaceAll(",\"entry\":\\{.*\\},\"leaf_hash\"", ",\"leaf_hash\"");
    assertEquals(11, EntryProof.check(withoutEntry, KEY).inclusion().leafIndex());
    AuditException e =
        assertThrows(
            AuditException.class,
            () ->
                EntryProof.check(
                    json, TestLedgers.signer("other.example/gw", (byte) 3).verifierKey()));
    assertEquals(AuditException.Code.INVALID_CHECKPOINT, e.code());
  }

  @Test
  void exportsEntriesAsJsonLinesWithProofsUpToTheLatestCheckpoint() {
    StringWriter out = new StringWriter();
    long written;
    try (LedgerReader reader = reader()) {
      written = reader.export(10, 100, out);
    }

    List<String> lines = out.toString().lines().toList();
    assertEquals(25, written);
    assertEquals(25, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      EntryProof p = EntryProof.check(lines.get(i), KEY);
      assertEquals(10 + i, p.entry().orElseThrow().seq());
    }
  }

  @Test
  void saysWhenAnEntryIsNotCoveredByACheckpointYet() {
    try (Ledger ledger = TestLedgers.open(dir);
        LedgerReader reader = ledger.openReader()) {
      ledger.append(TestLedgers.event("admin.login")).join();

      AuditException e = assertThrows(AuditException.class, () -> reader.prove(35));

      assertEquals(AuditException.Code.NOT_FOUND, e.code());
      assertTrue(e.getMessage().contains("not covered"), e.getMessage());
    }
  }

  @Test
  void listsEveryStoredCheckpointSmallestFirstEachSignedByTheGateway() {
    try (LedgerReader reader = reader()) {
      List<Checkpoint> checkpoints = reader.checkpoints();

      List<Long> sizes = checkpoints.stream().map(Checkpoint::size).toList();
      assertTrue(sizes.contains(30L), sizes.toString());
      assertEquals(sizes.stream().sorted().toList(), sizes);
      assertEquals(
          reader.latestCheckpoint().orElseThrow(), checkpoints.get(checkpoints.size() - 1));
      for (Checkpoint c : checkpoints) {
        assertEquals(c, Checkpoint.open(c.note(), KEY));
        assertEquals(reader.root(c.size()), c.root());
      }
    }
  }

  private static void assertInvalid(String json, AuditException.Code code) {
    AuditException e = assertThrows(AuditException.class, () -> EntryProof.check(json, KEY));
    assertEquals(code, e.code(), e.getMessage());
  }
}
