package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.json.Json;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A metadata file as the timestamp or snapshot lists it: its version, and maybe length and hashes.
 */
public record MetaFile(long version, OptionalLong length, Map<String, String> hashes) {

  public MetaFile {
    hashes = Map.copyOf(hashes);
  }

  static MetaFile fromJson(JsonNode node, String path) {
    if (!node.isObject()) {
      throw Fields.malformed(path + " must be an object");
    }
    long version = Fields.integer(node, "version", path, 1);
    OptionalLong length =
        node.has("length")
            ? OptionalLong.of(Fields.integer(node, "length", path, 0))
            : OptionalLong.empty();
    return new MetaFile(version, length, Fields.hashes(node, path, false));
  }

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("version", version);
    length.ifPresent(l -> node.put("length", l));
    if (!hashes.isEmpty()) {
      ObjectNode h = node.putObject("hashes");
      new TreeMap<>(hashes).forEach(h::put);
    }
    return node;
  }
}
