package io.vigil.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.trust.json.Json;
import java.time.Instant;

/** The signed part of a TUF metadata file: what every role has in common. */
public sealed interface Signed permits Root, Targets, Snapshot, Timestamp {

  /** The specification version Vigil writes; it reads any 1.x. */
  String SPEC_VERSION = "1.0.31";

  /** The role type: {@code root}, {@code targets}, {@code snapshot} or {@code timestamp}. */
  String type();

  /** The version of this role's metadata, counting from 1. */
  long version();

  /** When this metadata stops being trusted. */
  Instant expires();

  /** The {@code signed} object, as it is signed. */
  ObjectNode toJson();

  /** Whether this metadata has expired at {@code now} (it has at its expiry instant). */
  default boolean isExpiredAt(Instant now) {
    return !now.isBefore(expires());
  }

  /** The fields every role has, read and checked. */
  record Common(String type, long version, Instant expires) {

    static Common fromJson(JsonNode signed, String expectedType) {
      if (!signed.isObject()) {
        throw Fields.malformed(expectedType + ": signed must be an object");
      }
      String type = Fields.string(signed, "_type", "signed");
      if (!type.equals(expectedType)) {
        throw Fields.malformed(
            "expected " + expectedType + " metadata, found _type '" + type + "'");
      }
      String spec = Fields.string(signed, "spec_version", type);
      String[] parts = spec.split("\\.", -1);
      if (parts.length < 2
          || parts.length > 3
          || !java.util.Arrays.stream(parts).allMatch(p -> p.matches("[0-9]+"))) {
        throw Fields.malformed(type + ".spec_version '" + spec + "' is not a version number");
      }
      if (!parts[0].equals("1")) {
        throw Fields.malformed(
            type + ".spec_version " + spec + " is not supported; this client reads 1.x");
      }
      return new Common(
          type, Fields.integer(signed, "version", type, 1), Fields.expires(signed, type));
    }

    ObjectNode toJson() {
      ObjectNode node = Json.object();
      node.put("_type", type);
      node.put("spec_version", SPEC_VERSION);
      node.put("version", version);
      node.put("expires", Fields.EXPIRES.format(expires.atOffset(java.time.ZoneOffset.UTC)));
      return node;
    }
  }
}
