package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The snapshot role: the version of every targets role's metadata, by file name. */
public record Snapshot(long version, Instant expires, Map<String, MetaFile> meta)
    implements Signed {

  public Snapshot {
    meta = Map.copyOf(meta);
  }

  static Snapshot fromJson(JsonNode signed) {
    Common common = Common.fromJson(signed, "snapshot");
    Map<String, MetaFile> meta =
        Fields.map(
            signed, "meta", "snapshot", (name, m) -> MetaFile.fromJson(m, "snapshot.meta." + name));
    return new Snapshot(common.version(), common.expires(), meta);
  }

  @Override
  public String type() {
    return "snapshot";
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = new Common(type(), version, expires).toJson();
    ObjectNode m = node.putObject("meta");
    new TreeMap<>(meta).forEach((name, file) -> m.set(name, file.toJson()));
    return node;
  }
}
