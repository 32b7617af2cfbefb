package io.vigil.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.Gateway;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.ManifestCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manufacturer's commands: {@code vigil bundle build} and {@code vigil bundle inspect}. */
class BundleCommandTest {

  @TempDir Path dir;

  @Test
  void inspectPrintsTheDemoBundlesManifestDigestsAndEvidence() {
    Bundle demo = Gateway.demoBundle().orElseThrow();

    Cli.Result r = run("bundle", "inspect", "--demo");

    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("wdbc-malignancy"), r.out());
    assertTrue(r.out().contains(demo.sha256()), r.out());
    assertTrue(r.out().contains(demo.manifest().files().get(Bundle.MODEL)), r.out());
    assertTrue(r.out().toLowerCase().contains("demonstration"), r.out());
    assertTrue(r.out().contains("auc"), r.out());
    assertTrue(r.out().contains("sensitivity"), r.out());
  }

  @Test
  void buildWritesABundleThatInspectVerifies() throws Exception {
    Path onnx = dir.resolve("model.onnx");
    Files.write(onnx, TestBundles.files().get(Bundle.MODEL));
    Path manifest = dir.resolve("manifest.json");
    Files.write(manifest, ManifestCodec.write(TestBundles.manifest("cli-model", "2.0.0", 3)));
    Path evidence = Files.createDirectories(dir.resolve("evidence"));
    for (Map.Entry<String, byte[]> f : TestBundles.files().entrySet()) {
      if (f.getKey().startsWith("evidence/")) {
        Files.write(evidence.resolve(f.getKey().substring("evidence/".length())), f.getValue());
      }
    }
    Path reference = dir.resolve("reference.csv");
    StringBuilder csv = new StringBuilder("id,f0,f1,f2\n");
    for (int i = 0; i < 50; i++) {
      csv.append(i)
          .append(',')
          .append(i % 7)
          .append(',')
          .append(-i % 5)
          .append(',')
          .append(i * 0.5)
          .append('\n');
    }
    Files.writeString(reference, csv);
    Path out = dir.resolve("cli-model-2.0.0.vbundle");

    Cli.Result build =
        run(
            "bundle",
            "build",
            "--onnx",
            onnx.toString(),
            "--manifest",
            manifest.toString(),
            "--reference",
            reference.toString(),
            "--evidence",
            evidence.toString(),
            "--out",
            out.toString());
    Bundle built = BundleReader.read(out);
    Cli.Result inspect = run("bundle", "inspect", out.toString());

    assertEquals(0, build.status(), build.err());
    assertTrue(build.out().contains(built.sha256()), build.out());
    assertTrue(built.file("reference-profile.json").isPresent());
    assertEquals(0, inspect.status(), inspect.err());
    assertTrue(inspect.out().contains("cli-model"), inspect.out());
  }

  @Test
  void inspectRefusesATamperedBundleAndSaysWhichFile() throws Exception {
    Bundle bundle = TestBundles.bundle();
    byte[] bytes = bundle.bytes();
    String model = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = model.indexOf("vigil-test");
    bytes[at] ^= 1;
    Path file = dir.resolve("tampered.vbundle");
    Files.write(file, bytes);

    Cli.Result r = run("bundle", "inspect", file.toString());

    assertEquals(Vigil.EXIT_FAILED, r.status());
    assertTrue(r.err().contains("model.onnx"), r.err());
  }

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }
}
