package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.json.Json;
import java.util.List;

/** The keys trusted for a role and how many of them must sign. */
public record Role(List<String> keyIds, int threshold) {

  public Role {
    keyIds = List.copyOf(keyIds);
    if (threshold < 1) {
      throw new IllegalArgumentException("a threshold is at least 1, not " + threshold);
    }
  }

  static Role fromJson(JsonNode node, String path) {
    if (!node.isObject()) {
      throw Fields.malformed(path + " must be an object");
    }
    long threshold = Fields.integer(node, "threshold", path, 1);
    if (threshold > Integer.MAX_VALUE) {
      throw Fields.malformed(path + ".threshold is too large: " + threshold);
    }
    return new Role(Fields.uniqueStrings(node, "keyids", path), (int) threshold);
  }

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    keyIds.forEach(node.putArray("keyids")::add);
    node.put("threshold", threshold);
    return node;
  }
}
