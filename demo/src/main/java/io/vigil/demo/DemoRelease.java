package io.vigil.demo;

import java.util.List;
import java.util.Optional;

/**
 * One release of the demonstration model: its version, release counter, the PCCP modification it
 * falls under and how it is trained. Every release shares the data set, the split, the PCCP, the
 * schema and the intended use; only the training differs.
 *
 * @param version the manifest's semantic version
 * @param release the release counter, which only grows
 * @param modification the PCCP modification this release falls under
 * @param training how the model is trained
 */
record DemoRelease(String version, long release, String modification, TrainingSettings training) {

  /** 1.0.0: the certified release, the one a demonstration gateway installs at its first start. */
  static final DemoRelease FIRST =
      new DemoRelease("1.0.0", 1, "initial-release", TrainingSettings.DEFAULT);

  /** 1.1.0: retrained under the same PCCP, published only in the update repository. */
  static final DemoRelease RETRAINED =
      new DemoRelease("1.1.0", 2, "retraining", TrainingSettings.RETRAINED);

  static final List<DemoRelease> ALL = List.of(FIRST, RETRAINED);

  /** The release of {@code version}; throws naming the known ones. */
  static DemoRelease of(String version) {
    return ALL.stream()
        .filter(r -> r.version.equals(version))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no demonstration release "
                        + version
                        + "; there are "
                        + ALL.stream().map(DemoRelease::version).toList()));
  }

  /** The release whose floors this one must meet: the originally certified one, if not this. */
  Optional<DemoRelease> certified() {
    return this.equals(FIRST) ? Optional.empty() : Optional.of(FIRST);
  }
}
