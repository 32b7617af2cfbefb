package io.vigil.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.fleet.Fleet.Gateway;
import io.vigil.gateway.fleet.Fleet.TestClock;
import io.vigil.sync.message.SafetyLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetTableTest {

  @TempDir Path dir;

  @Test
  void showsEveryRegisteredGatewayOfAFleetOfTwenty() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("registered"));
    List<Gateway> gateways = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      gateways.add(new Gateway(dir, String.format("gw-site-%02d", i)).registerIn(keys));
    }
    GatewayRegistry registry = GatewayRegistry.read(keys);
    TestClock clock = new TestClock();
    try (FleetStore store = FleetStore.open(dir.resolve("fleet.db"))) {
      FleetWatch watch = FleetWatch.create(registry, store, clock);
      // Gateway 20 never reports; the others send summaries 1..(2 + i % 4), each growing the
      // ledger by i entries.
      for (int i = 1; i < 20; i++) {
        Gateway g = gateways.get(i - 1);
        String topic = Fleet.topic(g.name);
        int summaries = 2 + i % 4;
        for (int seq = 1; seq <= summaries; seq++) {
          clock.advance(Duration.ofSeconds(7));
          SafetyLevel level = i == 7 && seq == summaries ? SafetyLevel.WARN : SafetyLevel.NORMAL;
          byte[] summary = g.summary(seq, Optional.of(g.grow(i)), level);
          // Every fifth drops its summary 2 from a full outbox, every sixth loses it silently.
          if ((i % 5 == 0 || i % 6 == 0) && seq == 2) {
            continue;
          }
          watch.accept(topic, summary);
          if (i % 3 == 0) {
            watch.accept(topic, summary);
          }
        }
        if (i % 5 == 0) {
          watch.accept(topic, g.dropped(summaries + 1, 2, 2));
        }
      }
      // Gateway 13 sends an old checkpoint again in a new summary.
      Gateway rolledBack = gateways.get(12);
      rolledBack.rewriteHistory();
      watch.accept(
          Fleet.topic(rolledBack.name), rolledBack.summary(10, Optional.of(rolledBack.grow(2))));

      String table = FleetTable.render(registry, store);
      System.out.println(table);

      List<String> lines = table.lines().toList();
      assertEquals(21, lines.size());
      assertTrue(lines.get(0).startsWith("GATEWAY"));
      assertTrue(lines.get(20).startsWith("gw-site-20") && lines.get(20).contains("never"));
      GatewayStatus seventh = store.status("gw-site-07");
      assertEquals(List.of("sepsis 1.2.0 warn (active)"), seventh.models());
      assertEquals(1, store.status("gw-site-05").gapsExplained());
      assertEquals(1, store.status("gw-site-06").gapsUnexplained());
      assertEquals(3, store.status("gw-site-06").duplicates());
      assertEquals(1, store.status("gw-site-13").alerts());
    } finally {
      gateways.forEach(Gateway::close);
    }
  }
}
