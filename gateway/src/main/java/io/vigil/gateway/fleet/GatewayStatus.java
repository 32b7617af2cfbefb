package io.vigil.gateway.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One gateway's line in the fleet table, as the store holds it.
 *
 * @param lastSeen when its latest accepted message was received
 * @param summaries summaries accepted
 * @param events events accepted
 * @param duplicates resends removed
 * @param refused messages naming it that were refused (bad signature, wrong topic)
 * @param gapsExplained missing sequence numbers that an outbox.dropped marker accounts for
 * @param gapsUnexplained missing sequence numbers that none does
 * @param checkpointSize the tree size of the checkpoint in its newest summary that carried one
 * @param models "model version level" of each installed model version, from its newest summary
 * @param alerts fleet alerts raised for it
 */
public record GatewayStatus(
    String gateway,
    Optional<Instant> lastSeen,
    long summaries,
    long events,
    long duplicates,
    long refused,
    long gapsExplained,
    long gapsUnexplained,
    OptionalLong checkpointSize,
    List<String> models,
    long alerts) {
  public GatewayStatus {
    models = List.copyOf(models);
  }
}
