package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerRefTest {

  @TempDir Path dir;

  @Test
  void findsAPredictionByItsRequestIdAndEventsByTheirType() {
    try (Ledger ledger = TestLedgers.open(dir)) {
      // given predictions and events
      TestLedgers.append(ledger, 20);
      ledger.append(TestLedgers.event("outcome.recorded")).join();
      ledger.append(TestLedgers.event("gateway.started")).join();
      ledger.append(TestLedgers.event("outcome.recorded")).join();

      try (LedgerReader reader = ledger.openReader()) {
        // when they are looked up by ref
        List<StoredEntry> prediction = reader.byRef("req-7");
        List<StoredEntry> outcomes = reader.byRef("outcome.recorded");

        // then the one prediction and both events, oldest first
        assertEquals(1, prediction.size());
        assertEquals(7, prediction.get(0).seq());
        assertEquals("req-7", ((PredictionEntry) prediction.get(0).entry()).requestId());
        assertEquals(List.of(20L, 22L), outcomes.stream().map(StoredEntry::seq).toList());
        assertEquals(List.of(), reader.byRef("req-unknown"));
      }
    }
  }

  @Test
  void aLedgerWithoutTheIndexGainsItWhenOpened() throws Exception {
    // given a ledger whose index was dropped, as one written before the index existed
    try (Ledger ledger = TestLedgers.open(dir)) {
      TestLedgers.append(ledger, 3);
    }
    try (Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement()) {
      s.execute("DROP INDEX entries_ref");
    }

    // when it is opened again
    try (Ledger ledger = TestLedgers.open(dir);
        Connection c = TestLedgers.jdbc(dir);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                    + " AND name = 'entries_ref'")) {
      // then the index is back and the ledger still verifies
      assertTrue(rs.next());
      assertEquals(1, rs.getInt(1));
      try (LedgerReader reader = ledger.openReader()) {
        assertTrue(reader.verify(TestLedgers.signer().verifierKey()).ok());
        assertEquals(1, reader.byRef("req-2").size());
      }
    }
  }
}
