package io.vigil.inference.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the manufacturer signs about a bundle in its TUF target's {@code custom} object: the model,
 * version and release it must contain, the PCCP it falls under, how it may roll out and the sites
 * it is meant for. The gateway checks the bundle's manifest against it before the bundle is used.
 *
 * @param modelId the model the bundle must be
 * @param version the bundle's version
 * @param release the release counter, which only grows per model
 * @param pccp the change control plan entry this release falls under
 * @param rollout whether the gateway may activate it by itself or a local operator must approve
 * @param sites the sites it is meant for; empty for every site
 * @param architectures the processor architectures it is certified to run on ({@code amd64}, {@code
 *     arm64}); empty for every one. Optional in the JSON, so targets signed before it existed read
 *     as before.
 */
public record TargetCustom(
    String modelId,
    String version,
    long release,
    Manifest.Pccp pccp,
    Rollout rollout,
    List<String> sites,
    List<String> architectures) {

  /** How an approved update may reach patients at a site. */
  public enum Rollout {
    /** The gateway activates it once it verifies. */
    AUTOMATIC,
    /** A local operator approves it first. */
    LOCAL_APPROVAL;

    /**
     * The name in the target's {@code custom} object: {@code automatic}, {@code local-approval}.
     */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The rollout mode of a JSON name; throws naming the allowed ones. */
    public static Rollout of(String name) {
      for (Rollout r : values()) {
        if (r.jsonName().equals(name)) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "rollout must be automatic or local-approval, not '" + name + "'");
    }
  }

  public TargetCustom {
    sites = List.copyOf(sites);
    architectures = List.copyOf(architectures);
    if (release < 1) {
      throw new IllegalArgumentException("release must be at least 1, not " + release);
    }
  }

  /** Custom fields for every processor architecture. */
  public TargetCustom(
      String modelId,
      String version,
      long release,
      Manifest.Pccp pccp,
      Rollout rollout,
      List<String> sites) {
    this(modelId, version, release, pccp, rollout, sites, List.of());
  }

  /** The custom fields for a bundle with this manifest, for every processor architecture. */
  public static TargetCustom of(Manifest manifest, Rollout rollout, List<String> sites) {
    return new TargetCustom(
        manifest.modelId(),
        manifest.version(),
        manifest.release(),
        manifest.pccp(),
        rollout,
        sites);
  }

  /** These fields restricted to {@code newArchitectures}; empty for every architecture. */
  public TargetCustom withArchitectures(List<String> newArchitectures) {
    return new TargetCustom(modelId, version, release, pccp, rollout, sites, newArchitectures);
  }

  /**
   * Where a repository keeps a bundle: {@code MODEL/MODEL-VERSION.vbundle}, so that a delegation
   * can trust one manufacturer team for {@code MODEL/*}.
   */
  public static String targetPath(Manifest manifest) {
    return manifest.modelId() + "/" + manifest.modelId() + "-" + manifest.version() + ".vbundle";
  }

  /** The {@code custom} object. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("model_id", modelId);
    node.put("version", version);
    node.put("release", release);
    ObjectNode p = node.putObject("pccp");
    p.put("id", pccp.id());
    p.put("modification", pccp.modification());
    node.put("rollout", rollout.jsonName());
    sites.forEach(node.putArray("sites")::add);
    // Written only when set, so that a target for every architecture is signed as before.
    if (!architectures.isEmpty()) {
      architectures.forEach(node.putArray("architectures")::add);
    }
    return node;
  }

  /**
   * Reads a target's {@code custom} object; throws {@link Code#MANIFEST_INVALID} naming the field.
   */
  public static TargetCustom fromJson(JsonNode node, String target) {
    try {
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("it has no custom object");
      }
      JsonNode pccp = node.get("pccp");
      if (pccp == null || !pccp.isObject()) {
        throw new IllegalArgumentException("custom.pccp must be an object");
      }
      JsonNode release = node.get("release");
      if (release == null || !release.isIntegralNumber() || !release.canConvertToLong()) {
        throw new IllegalArgumentException("custom.release must be an integer");
      }
      return new TargetCustom(
          text(node, "model_id"),
          text(node, "version"),
          release.longValue(),
          new Manifest.Pccp(text(pccp, "id"), text(pccp, "modification")),
          Rollout.of(text(node, "rollout")),
          names(node, "sites", "site names"),
          names(node, "architectures", "architecture names"));
    } catch (IllegalArgumentException e) {
      throw new InferenceException(
          Code.MANIFEST_INVALID, "target " + target + ": " + e.getMessage(), e);
    }
  }

  /** Whether the target is meant for {@code site} (an empty site matches only "every site"). */
  public boolean isFor(String site) {
    return sites.isEmpty() || sites.contains(site);
  }

  /**
   * Checks that {@code manifest} is the bundle these fields describe; throws {@link
   * Code#BUNDLE_INVALID} naming the first field that differs.
   */
  public void check(Manifest manifest, String target) {
    mismatch("model_id", modelId, manifest.modelId(), target);
    mismatch("version", version, manifest.version(), target);
    mismatch("release", release, manifest.release(), target);
    mismatch("pccp", pccp, manifest.pccp(), target);
  }

  private static void mismatch(String field, Object signed, Object inBundle, String target) {
    if (!signed.equals(inBundle)) {
      throw new InferenceException(
          Code.BUNDLE_INVALID,
          "target "
              + target
              + " is signed as "
              + field
              + " "
              + signed
              + " but its manifest says "
              + inBundle);
    }
  }

  private static List<String> names(JsonNode node, String field, String what) {
    List<String> names = new ArrayList<>();
    JsonNode list = node.get(field);
    if (list != null) {
      if (!list.isArray()) {
        throw new IllegalArgumentException("custom." + field + " must be a list of " + what);
      }
      for (JsonNode s : list) {
        if (!s.isTextual()) {
          throw new IllegalArgumentException("custom." + field + " must be a list of " + what);
        }
        names.add(s.textValue());
      }
    }
    return names;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
      throw new IllegalArgumentException("custom." + field + " must be a non-empty string");
    }
    return v.textValue();
  }
}
