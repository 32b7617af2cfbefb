package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A targets role, top-level or delegated: the targets it approves and the roles it delegates to.
 */
public record Targets(
    long version,
    Instant expires,
    Map<String, TargetFile> targets,
    Optional<Delegations> delegations)
    implements Signed {

  public Targets {
    targets = Map.copyOf(targets);
  }

  static Targets fromJson(JsonNode signed) {
    Common common = Common.fromJson(signed, "targets");
    Map<String, TargetFile> targets =
        Fields.map(
            signed,
            "targets",
            "targets",
            (path, t) -> TargetFile.fromJson(path, t, "targets.targets." + path));
    Optional<Delegations> delegations =
        Fields.optionalObject(signed, "delegations", "targets")
            .map(d -> Delegations.fromJson(d, "targets.delegations"));
    return new Targets(common.version(), common.expires(), targets, delegations);
  }

  @Override
  public String type() {
    return "targets";
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = new Common(type(), version, expires).toJson();
    ObjectNode t = node.putObject("targets");
    new TreeMap<>(targets).forEach((path, file) -> t.set(path, file.toJson()));
    delegations.ifPresent(d -> node.set("delegations", d.toJson()));
    return node;
  }
}
