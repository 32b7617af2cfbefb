package io.vigil.demo;

import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bundles that the build put on the class path, read and verified as a gateway reads them:
 * 1.0.0 at the top, and each release as a target of the update repository.
 */
final class BuiltBundle {

  static final String RESOURCE = "wdbc-malignancy.vbundle";
  static final String REPOSITORY = "repository";
  static final String UPDATE_REPOSITORY = "repository-update";
  static final String KEYS = "keys";

  private BuiltBundle() {}

  static byte[] bytes() {
    return resource(RESOURCE);
  }

  /** The bundle of {@code version} as the update repository carries it. */
  static byte[] bytes(String version) {
    Path targets = classpathFolder(UPDATE_REPOSITORY).resolve("targets/wdbc-malignancy");
    String suffix = ".wdbc-malignancy-" + version + ".vbundle";
    try (Stream<Path> files = Files.list(targets)) {
      List<Path> matching = files.filter(p -> p.toString().endsWith(suffix)).toList();
      if (matching.size() != 1) {
        throw new AssertionError(targets + " holds " + matching + " for " + version);
      }
      return Files.readAllBytes(matching.get(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder the build wrote under {@code io/vigil/demo/} (tests run from target/classes). */
  static Path classpathFolder(String name) {
    URL url = BuiltBundle.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException(
          "io/vigil/demo/" + name + " is not on the class path: run the process-classes phase");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = BuiltBundle.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "io/vigil/demo/" + name + " is not on the class path: run the process-classes phase");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bundle, every file checked against the manifest's digests. */
  static Bundle read() {
    return BundleReader.read(bytes(), RESOURCE);
  }

  /** The bundle of {@code version} from the update repository, checked likewise. */
  static Bundle read(String version) {
    return BundleReader.read(bytes(version), "wdbc-malignancy-" + version + ".vbundle");
  }

  static byte[] file(Bundle bundle, String name) {
    return bundle.file(name).orElseThrow(() -> new AssertionError("the bundle lacks " + name));
  }
}
