package io.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParsingTest {

  @Test
  void readsWrksResultLineAndCountsOnlySuccessfulResponses() {
    String out =
        "Running 10s test @ http://127.0.0.1:1/v2\n"
            + "WRK_RESULT requests=1000 duration_us=2000000 status_errors=10 socket_errors=2"
            + " p50_us=100 p95_us=300 p99_us=900 p999_us=2000 max_us=5000\n";

    Wrk.Result r = Wrk.parse(out).orElseThrow();

    assertEquals(990, r.ok());
    assertEquals(495, r.rate(), 1e-9);
    assertEquals(300, r.p95Us());
  }

  @Test
  void escapesTheBodyInTheLuaScript() {
    String script = Wrk.script("/v2/models/m/infer", List.of("{\"a\":\"it's\"}"));

    assertTrue(script.contains("wrk.body = '{\"a\":\"it\\'s\"}'"), script);
    assertFalse(script.contains("request = function"), script);
    assertTrue(script.contains("done = function"));
  }

  @Test
  void rotatesAmongSeveralBodiesFormattedOnceForThePath() {
    String script = Wrk.script("/v2/models/m/infer", List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}"));

    assertTrue(script.contains("  '{\"id\":\"a\"}',\n  '{\"id\":\"b\"}',\n"), script);
    assertTrue(script.contains("wrk.format(\"POST\", '/v2/models/m/infer', headers, b)"), script);
    assertTrue(script.contains("next_request = next_request % #requests + 1"), script);
    assertTrue(script.contains("done = function"));
  }

  @Test
  void sendsTheDeviceTokenWithEveryRequestGetOrPost() {
    Map<String, String> token = new Wrk.Target(true, 8443, "vigil_dev_ab_cd").headers();

    String get = Wrk.script("/v2", List.of(), token);
    String rotating = Wrk.script("/v2/models/m/infer", List.of("{}", "[]"), token);

    assertTrue(get.contains("wrk.headers['Authorization'] = 'Bearer vigil_dev_ab_cd'"), get);
    assertTrue(rotating.contains("wrk.headers['Authorization'] = 'Bearer vigil_dev_ab_cd'"));
    // wrk.format takes the headers it is given instead of wrk.headers: they are copied in.
    assertTrue(rotating.contains("for k, v in pairs(wrk.headers) do headers[k] = v end"), rotating);
    assertEquals("https://127.0.0.1:8443/v2", new Wrk.Target(true, 8443, "").url("/v2"));
    assertEquals(Map.of(), Wrk.Target.plain(8080).headers());
  }

  @Test
  void getsWithoutBodies() {
    String script = Wrk.script("/v2", List.of());

    assertFalse(script.contains("POST"), script);
    assertTrue(script.contains("done = function"));
  }

  @Test
  void readsResidentMemoryFromProcStatus() {
    String status = "Name:\tjava\nVmHWM:\t  301234 kB\nVmRSS:\t  250000 kB\n";

    assertEquals(250_000, ProcStatus.field(status, "VmRSS").orElseThrow());
    assertEquals(301_234, ProcStatus.field(status, "VmHWM").orElseThrow());
    assertTrue(ProcStatus.field(status, "VmSwap").isEmpty());
  }

  @Test
  void dividesTheGatewaysCpuDeltaByRequests() {
    HostStats before =
        HostStats.parse(
            "stats cpu_ns=1000000 jit_ms=700 rss_kb=1 hwm_kb=1 runs=10 rows=10 ledger=-1");
    HostStats after =
        HostStats.parse(
            "stats cpu_ns=5000000 jit_ms=745 rss_kb=2 hwm_kb=2 runs=20 rows=50 ledger=-1");

    assertEquals(40, after.cpuMicrosPerRequest(before, 100), 1e-9);
    assertEquals(4, after.meanBatch(before), 1e-9);
    assertEquals(-1, after.ledgerAdded(before));
    assertEquals(45, after.jitMillis(before), 1e-9);
  }

  @Test
  void hasNoJitDeltaWhereTheJvmReportsNoJitTime() {
    HostStats before =
        HostStats.parse("stats cpu_ns=1 jit_ms=-1 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=3");
    HostStats after =
        HostStats.parse("stats cpu_ns=2 jit_ms=-1 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=5");

    assertTrue(Double.isNaN(after.jitMillis(before)));
    assertEquals(2, after.ledgerAdded(before));
  }

  @Test
  void readsTheStatsOfAHostBuiltBeforeItReportedJitTime() {
    HostStats before =
        HostStats.parse("stats cpu_ns=1000 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=-1");
    HostStats after =
        HostStats.parse("stats cpu_ns=3000 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=-1");

    assertEquals(-1, after.jitMillis());
    assertTrue(Double.isNaN(after.jitMillis(before)));
    assertEquals(0.02, after.cpuMicrosPerRequest(before, 100), 1e-9);
  }

  @Test
  void readsTheLedgersOwnCommitsFromTheStatsLine() {
    HostStats before =
        HostStats.parse(
            "stats cpu_ns=1 jit_ms=1 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=100 commits=10"
                + " commit_ns=5000000");
    HostStats after =
        HostStats.parse(
            "stats cpu_ns=2 jit_ms=1 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=400 commits=30"
                + " commit_ns=17000000");
    HostStats unrecorded =
        HostStats.parse("stats cpu_ns=2 rss_kb=1 hwm_kb=1 runs=0 rows=0 ledger=-1");

    assertEquals(600, after.commitMeanMicros(before), 1e-9);
    assertEquals(15, after.entriesPerCommit(before), 1e-9);
    assertEquals(-1, unrecorded.commits());
    assertTrue(Double.isNaN(unrecorded.commitMeanMicros(unrecorded)));
    assertTrue(Double.isNaN(before.commitMeanMicros(before)), "no commit in between");
  }

  @Test
  void takesTheMedianOfRounds() {
    assertEquals(2, Stats.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertTrue(Double.isNaN(Stats.median(List.of())));
  }
}
