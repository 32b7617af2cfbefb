package io.vigil.sync.command;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A command from the manufacturer to one gateway of one fleet, valid from {@code issuedAt} until
 * {@code expiresAt}; {@code counter} grows with each command the manufacturer sends that gateway,
 * and {@code id} is unique, so that a gateway refuses a command it has seen.
 */
public record Command(
    String id,
    String fleet,
    String gateway,
    Name name,
    Map<String, String> arguments,
    long counter,
    Instant issuedAt,
    Instant expiresAt) {

  /** The DSSE payload type of a command: a signature over a command is never anything else. */
  public static final String PAYLOAD_TYPE = "application/vnd.vigil.command+json;v=1";

  // Fleet and gateway are MQTT topic levels: no '/', '+', '#' or spaces.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** What a command asks for, with the arguments it requires and those it may carry. */
  public enum Name {
    /** Send a summary now rather than at the next interval. */
    SUMMARY_NOW("summary-now", Set.of(), Set.of()),
    /** Stop a model answering (its active version, or {@code version}). */
    SUSPEND("suspend", Set.of("model"), Set.of("version")),
    /** Let a suspended model answer again. */
    RESUME("resume", Set.of("model"), Set.of("version")),
    /**
     * Go back to the installed {@code version} of {@code model} whose bundle has {@code sha256}.
     */
    ROLLBACK("rollback", Set.of("model", "version", "sha256"), Set.of());

    private final String wire;
    private final Set<String> required;
    private final Set<String> optional;

    Name(String wire, Set<String> required, Set<String> optional) {
      this.wire = wire;
      this.required = required;
      this.optional = optional;
    }

    /** The name as the payload writes it. */
    public String wire() {
      return wire;
    }

    /** The name written {@code wire}; throws {@link IllegalArgumentException} for another. */
    public static Name of(String wire) {
      return Arrays.stream(values())
          .filter(n -> n.wire.equals(wire))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no command '"
                          + wire
                          + "'; one of "
                          + Arrays.stream(values()).map(Name::wire).toList()));
    }

    void check(Map<String, String> arguments) {
      Set<String> missing = new HashSet<>(required);
      missing.removeAll(arguments.keySet());
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(wire + " needs the argument(s) " + missing);
      }
      for (String key : arguments.keySet()) {
        if (!required.contains(key) && !optional.contains(key)) {
          throw new IllegalArgumentException(wire + " takes no argument '" + key + "'");
        }
      }
    }
  }

  public Command {
    check(ID, id, "id");
    check(NAME, fleet, "fleet");
    check(NAME, gateway, "gateway");
    arguments = Map.copyOf(arguments);
    name.check(arguments);
    arguments.forEach(
        (k, v) -> {
          if (v.isEmpty()) {
            throw new IllegalArgumentException("argument " + k + " is empty");
          }
        });
    if (arguments.containsKey("sha256") && !SHA256.matcher(arguments.get("sha256")).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
    }
    if (counter < 1) {
      throw new IllegalArgumentException("counter < 1");
    }
    if (issuedAt.getNano() != 0 || expiresAt.getNano() != 0) {
      throw new IllegalArgumentException("issued_at and expires_at are whole seconds");
    }
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("expires_at must be after issued_at");
    }
  }

  /**
   * A new command with a random id, issued at {@code issuedAt} (to the second) for {@code
   * lifetime}.
   */
  public static Command create(
      String fleet,
      String gateway,
      Name name,
      Map<String, String> arguments,
      long counter,
      Instant issuedAt,
      Duration lifetime) {
    Instant issued = issuedAt.truncatedTo(ChronoUnit.SECONDS);
    return new Command(
        UUID.randomUUID().toString(),
        fleet,
        gateway,
        name,
        arguments,
        counter,
        issued,
        issued.plus(lifetime));
  }

  private static void check(Pattern pattern, String value, String field) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must match " + pattern + ", not '" + value + "'");
    }
  }
}
