package io.vigil.inference.build;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleSummaryTest {

  @TempDir Path dir;

  @Test
  void showsDigestsProfileAndEvidenceMetrics() throws IOException {
    // given a built bundle
    Fixtures f = new Fixtures(dir);
    f.build();
    Bundle bundle = BundleReader.read(f.out);

    // when
    String text = BundleSummary.render(bundle);

    // then
    assertTrue(text.startsWith("*** DEMONSTRATION BUNDLE"), text);
    assertTrue(text.contains("sha256       " + bundle.sha256() + "\n"), text);
    bundle
        .manifest()
        .files()
        .forEach(
            (name, digest) ->
                assertTrue(text.matches("(?s).*" + digest + " +\\d+  " + name + "\n.*"), name));
    assertTrue(text.contains("a  unit mm, plausible [0, 100], required"), text);
    assertTrue(text.contains("positive label 'high' when column 0 of p >= 0.5"), text);
    assertTrue(text.contains("  rows 30\n"), text);
    assertTrue(text.contains("    c: 0.06666666666666667, -4 .. 4\n"), text);
    assertTrue(text.contains("score p: positive rate "), text);
    assertTrue(text.contains("  metrics.auc.value = 0.91\n"), text);
    assertTrue(text.contains("  metrics.sensitivity = 0.88\n"), text);
    assertTrue(text.contains("  confusion.tp = 40\n"), text);
    assertTrue(!text.contains("dataset.sha256") && !text.contains("roc["), text);
  }
}
