package io.vigil.gateway.config;

import java.util.Collection;
import java.util.Map;

/**
 * A configuration that cannot be used; the message names the file, the key, the value and what was
 * expected, and carries no stack trace because the fix is in the file, not in the code.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private static final int MAX_SHOWN_CHARS = 80;

  /** Creates an exception whose message is shown to whoever edits the configuration file. */
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  static ConfigException invalid(String key, String expected, Object got) {
    return new ConfigException(key + ": expected " + expected + ", got " + describe(got));
  }

  /** The same problem, placed in the file it was found in. */
  ConfigException in(String sourceName) {
    return new ConfigException(sourceName + ": " + getMessage());
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
