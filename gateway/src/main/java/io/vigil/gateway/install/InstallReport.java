package io.vigil.gateway.install;

import io.vigil.inference.bundle.Bundle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one install from a repository did, model by model.
 *
 * @param repository the trusted repository's name
 * @param source where its files came from
 * @param rootVersion the trusted root version after the refresh
 * @param targetsVersion the top-level targets version the decision was taken on
 * @param installed the bundles newly verified and stored
 * @param automatic by bundle digest, whether each installed bundle may be promoted without a local
 *     operator's approval once its shadow rule holds: its target's rollout is {@code automatic}, or
 *     the operator approved it when installing ({@code vigil install --approve})
 * @param unchanged models whose newest approved release is already installed
 * @param held targets meant for other sites
 * @param refused targets refused, each with the check that failed
 * @param millis how long the refresh, downloads and checks took
 */
public record InstallReport(
    String repository,
    String source,
    long rootVersion,
    long targetsVersion,
    List<Bundle> installed,
    Map<String, Boolean> automatic,
    List<String> unchanged,
    List<String> held,
    List<Refusal> refused,
    long millis) {

  public InstallReport {
    installed = List.copyOf(installed);
    automatic = Map.copyOf(automatic);
    unchanged = List.copyOf(unchanged);
    held = List.copyOf(held);
    refused = List.copyOf(refused);
  }

  /** Whether {@code bundle} may be promoted without a local approval once its shadow rule holds. */
  public boolean automatic(Bundle bundle) {
    return automatic.getOrDefault(bundle.sha256(), false);
  }

  /** Whether any target was refused. */
  public boolean anyRefused() {
    return !refused.isEmpty();
  }

  /** The report as JSON-ready maps and lists: what the admin API answers and the CLI prints. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("repository", repository);
    m.put("source", source);
    m.put("root_version", rootVersion);
    m.put("targets_version", targetsVersion);
    m.put(
        "installed",
        installed.stream()
            .map(
                b -> {
                  Map<String, Object> one = new LinkedHashMap<>();
                  one.put("model_id", b.manifest().modelId());
                  one.put("version", b.manifest().version());
                  one.put("release", b.manifest().release());
                  one.put("bundle_sha256", b.sha256());
                  one.put("demo", b.manifest().demo());
                  one.put(
                      "promotion",
                      automatic.getOrDefault(b.sha256(), false) ? "automatic" : "local-approval");
                  return one;
                })
            .toList());
    m.put("unchanged", unchanged);
    m.put("held", held);
    m.put(
        "refused",
        refused.stream()
            .map(
                r -> {
                  Map<String, Object> one = new LinkedHashMap<>();
                  one.put("target", r.target());
                  one.put("check", r.check());
                  one.put("attack", r.attack());
                  one.put("reason", r.reason());
                  return one;
                })
            .toList());
    m.put("millis", millis);
    return m;
  }

  /** A target that was refused: the check that failed, the attack it matched, and why. */
  public record Refusal(String target, String check, String attack, String reason) {
    @Override
    public String toString() {
      return target + ": refused by the " + check + " check (" + attack + "): " + reason;
    }
  }
}
