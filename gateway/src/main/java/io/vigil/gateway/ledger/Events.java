package io.vigil.gateway.ledger;

import io.vigil.audit.EventEntry;
import io.vigil.audit.Segment;
import io.vigil.audit.VerifierKey;
import io.vigil.canonical.Sha256;
import io.vigil.gateway.config.ConfigSource;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.inference.bundle.Bundle;
import io.vigil.monitoring.SafetyLevel;
import io.vigil.monitoring.WindowResult;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The gateway's own ledger events: what happened to it, and who did it. */
public final class Events {

  /** The actor of what the gateway does by itself. */
  public static final String SYSTEM = "system";

  private Events() {}

  /** The gateway started. */
  public static EventEntry started(String version, VerifierKey key) {
    return EventEntry.of(
        "gateway.started",
        SYSTEM,
        Map.of(
            "version",
            version,
            "pid",
            ProcessHandle.current().pid(),
            "checkpoint_key",
            key.toString()));
  }

  /** The configuration was loaded; the effective values' digest identifies it exactly. */
  public static EventEntry configLoaded(ConfigSource source, VigilConfig config) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("source", source.file().map(Object::toString).orElse("embedded defaults"));
    source.fileSha256().ifPresent(d -> details.put("file_sha256", d));
    details.put("effective_sha256", Sha256.hex(config.toString().getBytes(StandardCharsets.UTF_8)));
    details.put("effective", config.toString());
    return EventEntry.of("config.loaded", SYSTEM, details);
  }

  /** A bundle was newly stored. */
  public static EventEntry bundleInstalled(Bundle bundle, String from) {
    return EventEntry.of("bundle.installed", SYSTEM, bundleDetails(bundle, Map.of("from", from)));
  }

  /**
   * A bundle that a trusted repository approved was verified and stored; {@code approval} says by
   * which repository, target and metadata versions, and {@code actor} who installed it.
   */
  public static EventEntry bundleApproved(
      Bundle bundle, Map<String, Object> approval, String actor) {
    return EventEntry.of("bundle.installed", actor, bundleDetails(bundle, approval));
  }

  /**
   * An update was refused; {@code check} is the check that failed and {@code attack} the attack it
   * matched, so that an inspector reads what was tried without the gateway's logs.
   */
  public static EventEntry updateRefused(
      String repository, String source, String check, String attack, String reason, String actor) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("repository", repository);
    details.put("source", source);
    details.put("check", check);
    details.put("attack", attack);
    details.put("reason", reason);
    return EventEntry.of("update.refused", actor, details);
  }

  /** A repository's first root was trusted, out of band; later roots come only by rotation. */
  public static EventEntry rootTrusted(
      String repository, long version, boolean demo, String sha256, String actor) {
    return EventEntry.of(
        "trust.root.trusted",
        actor,
        Map.of(
            "repository",
            repository,
            "root_version",
            version,
            "demo",
            demo,
            "root_sha256",
            sha256));
  }

  /** A bundle was loaded and answers requests; {@code active} when it is its model's default. */
  public static EventEntry bundleActivated(Bundle bundle, boolean active) {
    return EventEntry.of(
        "bundle.activated", SYSTEM, bundleDetails(bundle, Map.of("active", active)));
  }

  /** A stored bundle failed verification or its golden vectors and was not loaded. */
  public static EventEntry bundleRefused(String reason) {
    return EventEntry.of("bundle.refused", SYSTEM, Map.of("reason", reason));
  }

  /**
   * A model failed to run a request that passed validation; the event names the model, the request
   * and the error, and holds no input value.
   */
  public static EventEntry inferenceFailed(
      Bundle bundle, String requestId, String deviceId, String error) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("request_id", requestId);
    request.put("device_id", deviceId);
    request.put("error", error);
    return EventEntry.of("inference.failed", SYSTEM, bundleDetails(bundle, request));
  }

  /** Old entries were sealed into segment files. */
  public static EventEntry archived(List<Segment> segments) {
    return EventEntry.of(
        "ledger.archived",
        SYSTEM,
        Map.of(
            "segments", segments.stream().map(Segment::toString).toList(),
            "first_seq", segments.get(0).firstSeq(),
            "end_seq", segments.get(segments.size() - 1).endSeq()));
  }

  /**
   * A {@code vigil} command that wrote to a stopped gateway's ledger closed it: like {@link
   * #stopped}, the mark of a clean end.
   */
  public static EventEntry commandFinished(String command, String actor) {
    return EventEntry.of("command.finished", actor, Map.of("command", command));
  }

  /**
   * A monitoring window closed: its size, level, positive rate and, per feature that drifts, its
   * PSI and KS distance; no input value.
   */
  public static EventEntry windowClosed(String modelId, String version, WindowResult w) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model_id", modelId);
    details.put("version", version);
    details.put("window", w.index());
    details.put("rows", w.rows());
    details.put("missing_rows", w.missingRows());
    details.put("verdict", w.verdict());
    details.put("level", w.level().jsonName());
    details.put("positive_rate", w.positiveRate());
    details.put("positive_limits", List.of(w.positiveLower(), w.positiveUpper()));
    details.put("score_psi", w.score().psi());
    details.put(
        "drifting",
        w.features().stream()
            .filter(WindowResult.FeatureResult::drifts)
            .map(f -> Map.of("feature", f.name(), "psi", f.psi(), "ks", f.ksDelta()))
            .toList());
    details.put("reasons", w.reasons());
    return EventEntry.of("monitoring.window", SYSTEM, details);
  }

  /** A model version's safety level changed, by the policy or by an administrator. */
  public static EventEntry safetyChanged(
      String modelId,
      String version,
      SafetyLevel from,
      SafetyLevel to,
      List<String> reasons,
      String actor) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model_id", modelId);
    details.put("version", version);
    details.put("from", from.jsonName());
    details.put("to", to.jsonName());
    details.put("reasons", reasons);
    return EventEntry.of("safety.changed", actor, details);
  }

  /**
   * A model's active version went back from {@code from} to the earlier {@code to}, by {@code
   * actor}'s act ({@code operator:...}, {@code command:<id>}), for {@code reason}.
   */
  public static EventEntry rolledBack(Bundle from, Bundle to, String actor, String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model_id", from.manifest().modelId());
    details.put("from_version", from.manifest().version());
    details.put("from_release", from.manifest().release());
    details.put("from_bundle_sha256", from.sha256());
    details.put("to_version", to.manifest().version());
    details.put("to_release", to.manifest().release());
    details.put("to_bundle_sha256", to.sha256());
    details.put("reason", reason);
    return EventEntry.of("model.rolled_back", actor, details);
  }

  /** The gateway stopped; {@code abandoned} requests were still in flight after the grace. */
  public static EventEntry stopped(int abandoned) {
    return EventEntry.of("gateway.stopped", SYSTEM, Map.of("abandoned_requests", abandoned));
  }

  private static Map<String, Object> bundleDetails(Bundle bundle, Map<String, Object> extra) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model_id", bundle.manifest().modelId());
    details.put("version", bundle.manifest().version());
    details.put("release", bundle.manifest().release());
    details.put("bundle_sha256", bundle.sha256());
    details.put("demo", bundle.manifest().demo());
    details.putAll(extra);
    return details;
  }

  /**
   * A command from the manufacturer, verified against its command keys, was carried out; {@code
   * actor} is {@code command:<id>}.
   */
  public static EventEntry commandExecuted(
      String name, String id, long counter, Map<String, String> arguments) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("command", name);
    details.put("id", id);
    details.put("counter", counter);
    details.put("arguments", new java.util.TreeMap<>(arguments));
    return EventEntry.of("command.executed", "command:" + id, details);
  }

  /**
   * A command from the manufacturer was refused: {@code code} says why ({@code UNSIGNED}, {@code
   * REPLAYED}, ... or {@code FAILED} for one this gateway could not carry out), {@code reason} in
   * words; {@code command} names it when its signature was verified, else it is {@code unverified}.
   */
  public static EventEntry commandRefused(
      String code, String reason, String command, String topic) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("code", code);
    details.put("reason", reason);
    details.put("command", command);
    details.put("topic", topic);
    return EventEntry.of("command.refused", SYSTEM, details);
  }
}
