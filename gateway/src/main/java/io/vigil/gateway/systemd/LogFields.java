package io.vigil.gateway.systemd;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

/**
 * Structured fields of one log record, given as its parameter ({@code LOG.log(level, message,
 * LogFields.event("ready"))}): the journal stores each as a field, a console shows only the
 * message.
 */
public record LogFields(Map<String, String> fields) {

  /** What happened, in the ledger's event names where there is one ({@code update.refused}). */
  public static final String EVENT = "VIGIL_EVENT";

  /** The model id a record is about. */
  public static final String MODEL = "VIGIL_MODEL";

  /** The model version a record is about. */
  public static final String MODEL_VERSION = "VIGIL_MODEL_VERSION";

  /** The error code of a module's exception. */
  public static final String CODE = "VIGIL_CODE";

  // systemd.journal-fields(7): upper case, digits and '_', not starting with '_' (trusted fields).
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  /** Checks every name and copies the map, in its order. */
  public LogFields {
    fields.forEach(
        (name, value) -> {
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "journal field name '" + name + "' is not upper case letters, digits and '_'");
          }
          if (value == null) {
            throw new IllegalArgumentException("journal field " + name + " has no value");
          }
        });
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A record with one field. */
  public static LogFields of(String name, String value) {
    return new LogFields(Map.of(name, value));
  }

  /** A record about an event. */
  public static LogFields event(String event) {
    return new LogFields(Map.of(EVENT, event));
  }

  /** These fields and the model version a record is about. */
  public LogFields model(String modelId, String version) {
    return with(MODEL, modelId).with(MODEL_VERSION, version);
  }

  /** These fields and an error code. */
  public LogFields code(String code) {
    return with(CODE, code);
  }

  /** These fields and one more. */
  public LogFields with(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(fields);
    more.put(name, value);
    return new LogFields(more);
  }

  /** The fields that a record's parameters carry; none for a record without them. */
  static Map<String, String> of(LogRecord record) {
    Object[] parameters = record.getParameters();
    if (parameters == null) {
      return Map.of();
    }
    Map<String, String> all = new LinkedHashMap<>();
    for (Object p : parameters) {
      if (p instanceof LogFields f) {
        all.putAll(f.fields());
      }
    }
    return all;
  }
}
