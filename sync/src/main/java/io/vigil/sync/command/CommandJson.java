package io.vigil.sync.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.sync.command.CommandException.Code;
import io.vigil.trust.json.CanonicalJson;
import io.vigil.trust.json.Json;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** A command's payload: canonical JSON, read strictly (every field required, none unknown). */
final class CommandJson {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
          .withResolverStyle(ResolverStyle.STRICT);
  private static final Set<String> FIELDS =
      Set.of(
          "id", "fleet", "gateway", "command", "arguments", "counter", "issued_at", "expires_at");

  private CommandJson() {}

  static byte[] write(Command command) {
    ObjectNode node = Json.object();
    node.put("id", command.id());
    node.put("fleet", command.fleet());
    node.put("gateway", command.gateway());
    node.put("command", command.name().wire());
    ObjectNode arguments = node.putObject("arguments");
    command.arguments().forEach(arguments::put);
    node.put("counter", command.counter());
    node.put("issued_at", TIME.format(command.issuedAt().atOffset(ZoneOffset.UTC)));
    node.put("expires_at", TIME.format(command.expiresAt().atOffset(ZoneOffset.UTC)));
    return CanonicalJson.bytes(node);
  }

  static Command read(byte[] payload) {
    JsonNode node;
    try {
      node = Json.parse(payload);
    } catch (IllegalArgumentException e) {
      throw malformed("not valid JSON: " + e.getMessage());
    }
    if (!node.isObject()) {
      throw malformed("not a JSON object");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw malformed("unknown field '" + name + "'");
      }
    }
    JsonNode args = node.get("arguments");
    if (args == null || !args.isObject()) {
      throw malformed("arguments must be an object");
    }
    Map<String, String> arguments = new HashMap<>();
    args.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()) {
                throw malformed("arguments." + e.getKey() + " must be a string");
              }
              arguments.put(e.getKey(), e.getValue().textValue());
            });
    JsonNode counter = node.get("counter");
    if (counter == null || !counter.isIntegralNumber() || !counter.canConvertToLong()) {
      throw malformed("counter must be an integer");
    }
    try {
      return new Command(
          text(node, "id"),
          text(node, "fleet"),
          text(node, "gateway"),
          Command.Name.of(text(node, "command")),
          arguments,
          counter.longValue(),
          time(node, "issued_at"),
          time(node, "expires_at"));
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw malformed(field + " must be a string");
    }
    return v.textValue();
  }

  private static Instant time(JsonNode node, String field) {
    String text = text(node, field);
    try {
      return LocalDateTime.parse(text, TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw malformed(field + " must read YYYY-MM-DDTHH:MM:SSZ, not '" + text + "'");
    }
  }

  private static CommandException malformed(String message) {
    return new CommandException(Code.MALFORMED, "command: " + message);
  }
}
