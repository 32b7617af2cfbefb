package io.vigil.gateway.fleet;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The fleet as a table a person reads: one line per registered gateway. */
public final class FleetTable {

  private static final String[] HEADER = {
    "GATEWAY",
    "LAST SEEN (UTC)",
    "SUMMARIES",
    "EVENTS",
    "DUPLICATES",
    "REFUSED",
    "GAPS EXPLAINED",
    "GAPS UNEXPLAINED",
    "CHECKPOINT",
    "ALERTS",
    "MODELS (version level)"
  };

  private FleetTable() {}

  /** The table of every gateway in {@code registry}, from what {@code store} holds. */
  public static String render(GatewayRegistry registry, FleetStore store) {
    List<GatewayStatus> rows = new ArrayList<>();
    for (String gateway : registry.gateways()) {
      rows.add(store.status(gateway));
    }
    long unregistered = store.refusedUnregistered();
    return render(rows)
        + (unregistered == 0
            ? ""
            : unregistered + " message(s) refused that named no registered gateway\n");
  }

  /** The table of these lines, in their order. */
  public static String render(List<GatewayStatus> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    for (GatewayStatus s : rows) {
      cells.add(
          new String[] {
            s.gateway(),
            s.lastSeen().map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("never"),
            Long.toString(s.summaries()),
            Long.toString(s.events()),
            Long.toString(s.duplicates()),
            Long.toString(s.refused()),
            Long.toString(s.gapsExplained()),
            Long.toString(s.gapsUnexplained()),
            s.checkpointSize().isPresent() ? Long.toString(s.checkpointSize().getAsLong()) : "-",
            Long.toString(s.alerts()),
            s.models().isEmpty() ? "-" : String.join(", ", s.models())
          });
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        boolean number = i >= 2 && i <= 9;
        String cell =
            number && row != HEADER
                ? " ".repeat(widths[i] - row[i].length()) + row[i]
                : row[i] + " ".repeat(widths[i] - row[i].length());
        line.append(cell).append(i < row.length - 1 ? "  " : "");
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
