package io.vigil.gateway.install;

import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.bundle.TargetCustom;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether an arriving release falls under its model's PCCP: one method per rule, each returning the
 * violation with the rule's name and what changed from what to what. Pure: the installer gives it
 * the offered manifest, the originally certified one and the newest installed one.
 */
final class ScopeCheck {

  /**
   * The one {@code pccp.modification} that authorises a change of the input or output schema; the
   * others ({@code initial-release}, {@code retraining}, {@code recalibration}, or any other word)
   * authorise new weights, threshold and claims only.
   */
  static final String SCHEMA_CHANGE = "schema-change";

  private ScopeCheck() {}

  /** A rule that a release breaks, and a sentence for a person. */
  record Violation(String rule, String reason) {}

  /**
   * The PCCP rules that need the bundle's manifest, in order: model id, PCCP, intended use, schema,
   * performance; the first violation, if any.
   *
   * @param certified the model's originally certified manifest, empty for its first release
   * @param current the newest installed release's manifest, empty for the first release
   */
  static Optional<Violation> underPccp(
      TargetCustom signed,
      Manifest offered,
      Optional<Manifest> certified,
      Optional<Manifest> current) {
    Optional<Manifest> schemaBase = current.or(() -> certified);
    return Stream.of(
            modelId(signed, offered, certified),
            certified.flatMap(c -> pccp(offered, c)),
            certified.flatMap(c -> intendedUse(offered, c)),
            schemaBase.flatMap(b -> schema(offered, b)),
            certified.flatMap(c -> performance(offered, c, "the originally certified")),
            current.flatMap(c -> performance(offered, c, "the installed")))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** Rule {@code model-id}: the signed target, the manifest and the certified model agree. */
  static Optional<Violation> modelId(
      TargetCustom signed, Manifest offered, Optional<Manifest> certified) {
    if (!signed.modelId().equals(offered.modelId())) {
      return violation(
          "model-id",
          "the target is signed as model "
              + signed.modelId()
              + " but its bundle's manifest is model "
              + offered.modelId());
    }
    if (certified.isPresent() && !certified.get().modelId().equals(offered.modelId())) {
      return violation(
          "model-id",
          "model "
              + offered.modelId()
              + " is offered where model "
              + certified.get().modelId()
              + " was certified");
    }
    return Optional.empty();
  }

  /** Rule {@code pccp}: a release under another PCCP is another device, certified anew. */
  static Optional<Violation> pccp(Manifest offered, Manifest certified) {
    if (!offered.pccp().id().equals(certified.pccp().id())) {
      return violation(
          "pccp",
          "release "
              + offered.release()
              + " falls under PCCP "
              + offered.pccp().id()
              + ", but "
              + offered.modelId()
              + " was certified under PCCP "
              + certified.pccp().id()
              + "; another PCCP is another device");
    }
    return Optional.empty();
  }

  /** Rule {@code intended-use}: the intended use never changes under a PCCP. */
  static Optional<Violation> intendedUse(Manifest offered, Manifest certified) {
    if (!offered.intendedUse().equals(certified.intendedUse())) {
      return violation(
          "intended-use",
          "the intended use changed from \""
              + certified.intendedUse()
              + "\" to \""
              + offered.intendedUse()
              + "\"");
    }
    return Optional.empty();
  }

  /**
   * Rule {@code schema}: inputs, outputs (names, datatypes, shapes, features with their names,
   * units, plausible ranges and required flags) and the decision's output and positive label stay
   * as in {@code base}, unless the release's modification is {@link #SCHEMA_CHANGE}.
   */
  static Optional<Violation> schema(Manifest offered, Manifest base) {
    if (offered.pccp().modification().equals(SCHEMA_CHANGE)) {
      return Optional.empty();
    }
    return Stream.of(
            tensors("input", base.inputs(), offered.inputs()),
            tensors("output", base.outputs(), offered.outputs()),
            changed("the decision's output", base.decision().output(), offered.decision().output()),
            changed(
                "the decision's positive label",
                base.decision().positiveLabel(),
                offered.decision().positiveLabel()))
        .flatMap(Optional::stream)
        .findFirst()
        .map(
            what ->
                new Violation(
                    "schema",
                    what
                        + " (release "
                        + base.release()
                        + " to "
                        + offered.release()
                        + "); PCCP modification '"
                        + offered.pccp().modification()
                        + "' does not authorise a schema change, only '"
                        + SCHEMA_CHANGE
                        + "' does"));
  }

  /**
   * Rule {@code performance}: every metric of {@code base} is claimed, at or above its floor, and
   * with a floor no lower than {@code base}'s.
   */
  static Optional<Violation> performance(Manifest offered, Manifest base, String which) {
    String baseName = which + " release " + base.release() + " (" + base.version() + ")";
    for (Metric floor : base.performance().metrics()) {
      String metric = floor.name() + " (" + floor.subgroup() + ")";
      Optional<Metric> claimed = offered.performance().metric(floor.name(), floor.subgroup());
      if (claimed.isEmpty()) {
        return violation(
            "performance",
            metric + " is not claimed, but " + baseName + " sets it a floor of " + floor.floor());
      }
      if (claimed.get().value() < floor.floor()) {
        return violation(
            "performance",
            metric
                + " is claimed at "
                + claimed.get().value()
                + ", below the floor "
                + floor.floor()
                + " of "
                + baseName);
      }
      if (claimed.get().floor() < floor.floor()) {
        return violation(
            "performance",
            metric
                + "'s floor is lowered from "
                + floor.floor()
                + " in "
                + baseName
                + " to "
                + claimed.get().floor());
      }
    }
    return Optional.empty();
  }

  /**
   * Rule {@code hardware}: the target names this gateway's processor architecture, or none.
   *
   * @param osArch the JVM's {@code os.arch}
   */
  static Optional<Violation> hardware(TargetCustom signed, String osArch) {
    if (signed.architectures().isEmpty()) {
      return Optional.empty();
    }
    String here = architecture(osArch);
    if (signed.architectures().stream().map(ScopeCheck::architecture).anyMatch(here::equals)) {
      return Optional.empty();
    }
    return violation(
        "hardware",
        "release "
            + signed.release()
            + " is certified for the architectures "
            + signed.architectures()
            + ", not this gateway's "
            + here);
  }

  /**
   * An architecture's Debian name: {@code x86_64} is {@code amd64}, {@code aarch64} {@code arm64}.
   */
  static String architecture(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "x86_64", "x86-64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> n;
    };
  }

  private static Optional<String> tensors(
      String kind, List<TensorSpec> before, List<TensorSpec> after) {
    List<String> namesBefore = before.stream().map(TensorSpec::name).toList();
    List<String> namesAfter = after.stream().map(TensorSpec::name).toList();
    if (!namesBefore.equals(namesAfter)) {
      return Optional.of("the " + kind + "s changed from " + namesBefore + " to " + namesAfter);
    }
    for (int i = 0; i < before.size(); i++) {
      Optional<String> change =
          tensor(kind + " " + before.get(i).name(), before.get(i), after.get(i));
      if (change.isPresent()) {
        return change;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> tensor(String where, TensorSpec before, TensorSpec after) {
    List<String> featuresBefore = before.features().stream().map(Feature::name).toList();
    List<String> featuresAfter = after.features().stream().map(Feature::name).toList();
    Optional<String> change =
        Stream.of(
                changed("the datatype of " + where, before.datatype(), after.datatype()),
                changed("the shape of " + where, before.shape(), after.shape()),
                changed("the features of " + where, featuresBefore, featuresAfter))
            .flatMap(Optional::stream)
            .findFirst();
    if (change.isPresent()) {
      return change;
    }
    for (int i = 0; i < before.features().size(); i++) {
      Feature b = before.features().get(i);
      Feature a = after.features().get(i);
      String of = " of feature " + b.name() + " of " + where;
      change =
          Stream.of(
                  changed("the unit" + of, b.unit(), a.unit()),
                  changed("the plausible minimum" + of, b.min(), a.min()),
                  changed("the plausible maximum" + of, b.max(), a.max()),
                  changed("whether it is required" + of, b.required(), a.required()))
              .flatMap(Optional::stream)
              .findFirst();
      if (change.isPresent()) {
        return change;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> changed(String what, Object before, Object after) {
    return Objects.equals(before, after)
        ? Optional.empty()
        : Optional.of(what + " changed from " + before + " to " + after);
  }

  private static Optional<Violation> violation(String rule, String reason) {
    return Optional.of(new Violation(rule, reason));
  }
}
