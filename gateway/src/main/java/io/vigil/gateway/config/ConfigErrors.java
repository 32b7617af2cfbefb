package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import java.util.Collection;
import java.util.Map;

/**
 * The configuration's errors: {@link Code#CONFIG_INVALID} with a message that names the file, the
 * key, the value and what was expected.
 */
final class ConfigErrors {

  private static final int MAX_SHOWN_CHARS = 80;

  private ConfigErrors() {}

  /** A configuration that cannot be used, for the reason given. */
  static GatewayException invalid(String message) {
    return new GatewayException(Code.CONFIG_INVALID, message);
  }

  /** A key whose value is not what was expected. */
  static GatewayException invalid(String key, String expected, Object got) {
    return invalid(key + ": expected " + expected + ", got " + describe(got));
  }

  /** The same problem, placed in the file it was found in. */
  static GatewayException in(String sourceName, GatewayException e) {
    return invalid(sourceName + ": " + e.getMessage());
  }

  /** A value as the person who wrote it will recognise it: scalars quoted, structures named. */
  static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof Collection) {
      return "a list";
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      String text = value.toString().replace("\n", "\\n");
      if (text.length() > MAX_SHOWN_CHARS) {
        text = text.substring(0, MAX_SHOWN_CHARS) + "...";
      }
      return "'" + text + "'";
    }
    return "a value of type " + value.getClass().getSimpleName();
  }
}
