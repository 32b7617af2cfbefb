package io.vigil.gateway.evidence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.evidence.Facts.Metric;
import io.vigil.gateway.evidence.Facts.Qualification;
import io.vigil.gateway.evidence.Facts.TufTarget;
import io.vigil.inference.InferenceException;
import io.vigil.inference.build.BundleSummary;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.GoldenVectors;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.store.ModelStore;
import io.vigil.trust.TrustException;
import io.vigil.trust.tuf.Metadata;
import io.vigil.trust.tuf.Role;
import io.vigil.trust.tuf.Root;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Targets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads, without writing anything, what a version's bundle and its manufacturer's trusted TUF
 * metadata say: the qualification evidence in the bundle's {@code evidence/} folder and the signed
 * target that approved it.
 */
final class BundleEvidence {

  private BundleEvidence() {}

  /** The stored bundle with this digest, verified; empty (with a note) when it is not stored. */
  static Optional<Bundle> read(Path dataDir, String sha256, List<String> notes) {
    Path file = dataDir.resolve("models").resolve(sha256).resolve(ModelStore.BUNDLE_FILE);
    if (!Files.isRegularFile(file)) {
      notes.add("its bundle " + sha256 + " is no longer in the model store (" + file + ")");
      return Optional.empty();
    }
    try {
      return Optional.of(BundleReader.read(Files.readAllBytes(file), file.toString(), sha256));
    } catch (IOException | InferenceException e) {
      notes.add("its stored bundle cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The bundle's claimed metrics, confusion matrices, golden vectors and evidence files. */
  static Qualification qualification(Bundle bundle) {
    Manifest m = bundle.manifest();
    List<Metric> metrics = new ArrayList<>();
    for (Manifest.Metric x : m.performance().metrics()) {
      metrics.add(new Metric(x.name(), x.subgroup(), x.value(), x.ciLow(), x.ciHigh(), x.floor()));
    }
    Map<String, String> confusion = new TreeMap<>();
    bundle
        .file(BundleSummary.EVIDENCE_JSON)
        .ifPresent(
            bytes -> {
              try {
                collectConfusion(
                    "",
                    new JsonObject(new String(bytes, StandardCharsets.UTF_8)),
                    false,
                    confusion);
              } catch (io.vertx.core.json.DecodeException e) {
                confusion.put(BundleSummary.EVIDENCE_JSON, "not a JSON object");
              }
            });
    int golden = 0;
    double tolerance = Double.NaN;
    Optional<byte[]> vectors = bundle.file(GoldenVectors.FILE);
    if (vectors.isPresent()) {
      GoldenVectors g = GoldenVectors.parse(vectors.get());
      golden = g.vectors().size();
      tolerance = g.tolerance();
    }
    Map<String, String> files = new TreeMap<>();
    m.files()
        .forEach(
            (name, digest) -> {
              if (name.startsWith("evidence/")) {
                files.put(name, digest);
              }
            });
    return new Qualification(
        m.performance().dataset(),
        metrics,
        confusion,
        golden,
        tolerance,
        files,
        m.safety().psiWarn(),
        m.safety().psiAlert());
  }

  /**
   * The target {@code path} in the trusted targets metadata of {@code repository}, with the keys
   * whose signatures on it verify against the trusted root; empty, with a note, when the trusted
   * metadata no longer lists it.
   */
  static Optional<TufTarget> target(
      Path trustDir, String repository, String path, List<String> notes) {
    Path dir = trustDir.resolve(repository);
    try {
      Metadata<Root> root = Metadata.root(Files.readAllBytes(dir.resolve("root.json")));
      byte[] raw = Files.readAllBytes(dir.resolve("targets.json"));
      Metadata<Targets> targets = Metadata.targets(raw);
      TargetFile file = targets.signed().targets().get(path);
      if (file == null) {
        notes.add(
            "the trusted targets metadata of "
                + repository
                + " (version "
                + targets.signed().version()
                + ") no longer lists "
                + path);
        return Optional.empty();
      }
      Role role = root.signed().role("targets");
      List<String> signers = new ArrayList<>();
      JsonArray signatures =
          new JsonObject(new String(raw, StandardCharsets.UTF_8))
              .getJsonArray("signatures", new JsonArray());
      for (int i = 0; i < signatures.size(); i++) {
        String keyId = signatures.getJsonObject(i).getString("keyid");
        if (role.keyIds().contains(keyId) && verifiesAlone(targets, keyId, root.signed())) {
          signers.add(keyId);
        }
      }
      if (signers.size() < role.threshold()) {
        notes.add(
            "the trusted targets metadata of "
                + repository
                + " carries "
                + signers.size()
                + " valid signatures, below the threshold of "
                + role.threshold());
      }
      return Optional.of(
          new TufTarget(
              repository,
              path,
              targets.signed().version(),
              targets.signed().expires(),
              signers,
              role.threshold(),
              file.length(),
              file.hashes().getOrDefault("sha256", ""),
              file.custom().map(Object::toString).orElse("{}")));
    } catch (IOException | TrustException e) {
      notes.add("the trusted TUF metadata of " + repository + " cannot be read: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean verifiesAlone(Metadata<Targets> targets, String keyId, Root root) {
    try {
      targets.verify("targets", new Role(List.of(keyId), 1), root.keys());
      return true;
    } catch (TrustException e) {
      return false;
    }
  }

  /** The scalar leaves under any key that starts with {@code confusion}, as the summary prints. */
  private static void collectConfusion(
      String path, Object node, boolean selected, Map<String, String> out) {
    if (node instanceof JsonObject o) {
      for (String key : o.fieldNames()) {
        boolean select = selected || key.toLowerCase(Locale.ROOT).startsWith("confusion");
        collectConfusion(path.isEmpty() ? key : path + "." + key, o.getValue(key), select, out);
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        collectConfusion(path + "[" + i + "]", a.getValue(i), selected, out);
      }
    } else if (selected && node != null) {
      out.put(path, node.toString());
    }
  }
}
