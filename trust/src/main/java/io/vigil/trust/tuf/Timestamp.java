package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The timestamp role: the current snapshot's version (and maybe length and hashes). */
public record Timestamp(long version, Instant expires, MetaFile snapshot) implements Signed {

  static Timestamp fromJson(JsonNode signed) {
    Common common = Common.fromJson(signed, "timestamp");
    JsonNode meta = Fields.object(signed, "meta", "timestamp");
    JsonNode snapshot = meta.get("snapshot.json");
    if (snapshot == null) {
      throw Fields.malformed("timestamp.meta must list snapshot.json");
    }
    return new Timestamp(
        common.version(),
        common.expires(),
        MetaFile.fromJson(snapshot, "timestamp.meta.snapshot.json"));
  }

  @Override
  public String type() {
    return "timestamp";
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = new Common(type(), version, expires).toJson();
    node.putObject("meta").set("snapshot.json", snapshot.toJson());
    return node;
  }
}
