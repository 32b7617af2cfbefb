package io.vigil.sync.publish;

import io.vigil.sync.outbox.Outgoing;
import java.nio.charset.StandardCharsets;

/**
 * The topics one gateway publishes to: {@code vigil/v1/{fleet}/{gateway}/{suffix}}, where the
 * suffix is an outbox row's ({@code summary}, {@code events}).
 */
public final class GatewayTopics {

  /** The suffix of summaries. */
  public static final String SUMMARY = "summary";

  /** The suffix of events and of the outbox's marker of dropped rows. */
  public static final String EVENTS = "events";

  private static final int MAX_TOPIC_BYTES = 65_535;

  private final String fleet;
  private final String gateway;
  private final String prefix;

  private GatewayTopics(String fleet, String gateway) {
    this.fleet = fleet;
    this.gateway = gateway;
    this.prefix = "vigil/v1/" + fleet + "/" + gateway + "/";
  }

  /**
   * The topics of {@code gateway} in {@code fleet}, each one topic level without wildcards; the
   * gateway is its identity key's name, which its messages are signed with.
   */
  public static GatewayTopics of(String fleet, String gateway) {
    level("fleet", fleet);
    level("gateway", gateway);
    return new GatewayTopics(fleet, gateway);
  }

  /** The fleet. */
  public String fleet() {
    return fleet;
  }

  /** The gateway. */
  public String gateway() {
    return gateway;
  }

  /** {@code vigil/v1/{fleet}/{gateway}/summary}. */
  public String summary() {
    return prefix + SUMMARY;
  }

  /** {@code vigil/v1/{fleet}/{gateway}/events}. */
  public String events() {
    return prefix + EVENTS;
  }

  /**
   * The topic of an outbox row whose topic suffix is {@code suffix}; the outbox checked it when it
   * was appended (lower-case levels, at most {@link Outgoing#MAX_TOPIC_SUFFIX_LENGTH} characters).
   */
  public String topic(String suffix) {
    if (suffix.isEmpty() || suffix.startsWith("/") || suffix.endsWith("/") || wildcard(suffix)) {
      throw new IllegalArgumentException(
          "a topic suffix is one or more levels without '+', '#' or NUL: '" + suffix + "'");
    }
    String topic = prefix + suffix;
    if (topic.getBytes(StandardCharsets.UTF_8).length > MAX_TOPIC_BYTES) {
      throw new IllegalArgumentException("topic over MQTT's " + MAX_TOPIC_BYTES + " bytes");
    }
    return topic;
  }

  /** The topics' common prefix, {@code vigil/v1/{fleet}/{gateway}/}. */
  @Override
  public String toString() {
    return prefix;
  }

  private static void level(String what, String value) {
    if (value.isEmpty() || value.contains("/") || wildcard(value)) {
      throw new IllegalArgumentException(
          "a " + what + " is one MQTT topic level without '/', '+', '#' or NUL: '" + value + "'");
    }
  }

  private static boolean wildcard(String s) {
    return s.indexOf('+') >= 0 || s.indexOf('#') >= 0 || s.indexOf('\0') >= 0;
  }
}
