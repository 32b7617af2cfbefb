package io.vigil.demo;

import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bundle that the build put on the class path, read and verified as a gateway reads it. */
final class BuiltBundle {

  static final String RESOURCE = "wdbc-malignancy.vbundle";

  private BuiltBundle() {}

  static byte[] bytes() {
    try (InputStream in = BuiltBundle.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "io/vigil/demo/"
                + RESOURCE
                + " is not on the class path: run the process-classes phase");
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

  static byte[] file(Bundle bundle, String name) {
    return bundle.file(name).orElseThrow(() -> new AssertionError("the bundle lacks " + name));
  }
}
