package io.vigil.inference.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.canonical.Sha256;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.ReferenceData;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfileCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleBuilderTest {

  @TempDir Path dir;

  @Test
  void buildsABundleThatVerifiesAndCarriesItsReferenceProfile() throws IOException {
    // given
    Fixtures f = new Fixtures(dir);

    // when
    String sha256 = f.build();

    // then the bundle reads back verified, under the digest the builder returned
    Bundle bundle = BundleReader.read(f.out);
    assertEquals(sha256, bundle.sha256());
    assertEquals(Sha256.hex(Files.readAllBytes(f.out)), sha256);
    assertEquals(
        Set.of(
            "model.onnx",
            "evidence/evidence.json",
            "evidence/report/qualification.md",
            "reference-profile.json"),
        bundle.manifest().files().keySet());
    assertArrayEquals(Files.readAllBytes(f.onnx), bundle.file("model.onnx").orElseThrow());

    ReferenceProfile profile =
        ReferenceProfileCodec.parse(bundle.file(ReferenceProfile.FILE).orElseThrow());
    profile.requireMatches(bundle.manifest());
    assertEquals(30, profile.rows());
    assertEquals(List.of("a", "b", "c"), profile.features().stream().map(p -> p.name()).toList());
    assertEquals(2 / 30.0, profile.feature("c").orElseThrow().nullRate());
    assertEquals(3f, profile.feature("a").orElseThrow().values().min());
  }

  @Test
  void scoresTheCompleteReferenceRowsWithTheModel() throws IOException {
    // given
    Fixtures f = new Fixtures(dir);
    ReferenceData data = ReferenceData.read(f.csv, List.of("a", "b", "c"));

    // when
    f.build();
    ReferenceProfile profile =
        ReferenceProfileCodec.parse(
            BundleReader.read(f.out).file(ReferenceProfile.FILE).orElseThrow());

    // then the score distribution is the tiny model's output on the 28 complete rows
    int complete = 0;
    int positives = 0;
    double max = 0;
    for (int r = 0; r < data.rows(); r++) {
      if (data.complete(r)) {
        float[] x = data.row(r);
        double p = Fixtures.expectedScore(x[0], x[1], x[2]);
        complete++;
        positives += p >= 0.5 ? 1 : 0;
        max = Math.max(max, p);
      }
    }
    assertEquals(28, complete);
    assertEquals(complete, profile.score().values().count());
    assertEquals(positives / (double) complete, profile.score().positiveRate());
    assertTrue(positives > 0 && positives < complete, "the data should straddle the threshold");
    assertEquals(max, profile.score().values().max(), 1e-6);
  }

  @Test
  void scoresReferenceDataLargerThanOneBatch() throws IOException {
    // given 600 complete rows: three runs of up to 256 rows, and sketches that compact
    Fixtures f = new Fixtures(dir);
    StringBuilder csv = new StringBuilder("a,b,c\n");
    int positives = 0;
    for (int i = 0; i < 600; i++) {
      float a = i % 97;
      float b = (i * 13) % 50;
      float c = (i % 21) - 10;
      csv.append(a).append(',').append(b).append(',').append(c).append('\n');
      positives += Fixtures.expectedScore(a, b, c) >= 0.5 ? 1 : 0;
    }
    Files.writeString(f.csv, csv);

    // when
    f.build();
    ReferenceProfile profile =
        ReferenceProfileCodec.parse(
            BundleReader.read(f.out).file(ReferenceProfile.FILE).orElseThrow());

    // then every row was scored, in its own batch position
    assertEquals(600, profile.score().values().count());
    assertEquals(positives / 600.0, profile.score().positiveRate());
    float[] sortedA = new float[600];
    for (int i = 0; i < 600; i++) {
      sortedA[i] = i % 97;
    }
    Arrays.sort(sortedA);
    List<Float> edges = new ArrayList<>();
    for (int d = 1; d <= 9; d++) {
      edges.add(sortedA[60 * d - 1]);
    }
    assertEquals(edges, profile.feature("a").orElseThrow().values().decileEdges());
  }

  @Test
  void buildsTheSameBytesTwice() throws IOException {
    // given
    Fixtures f = new Fixtures(dir);

    // when
    String first = f.build();
    byte[] firstBytes = Files.readAllBytes(f.out);
    String second = f.build();

    // then
    assertEquals(first, second);
    assertArrayEquals(firstBytes, Files.readAllBytes(f.out));
  }

  @Test
  void buildsWhenTheGoldenVectorsAgreeWithTheModel() throws IOException {
    Fixtures f = new Fixtures(dir);
    f.writeGoldenVectors(new float[] {30, 10, 1}, Fixtures.expectedScore(30, 10, 1));

    f.build();

    assertTrue(
        BundleReader.read(f.out).manifest().files().containsKey("evidence/golden-vectors.json"));
  }

  @Test
  void refusesToBuildWhenTheGoldenVectorsDisagreeWithTheModel() throws IOException {
    // given evidence that records another output than the model gives
    Fixtures f = new Fixtures(dir);
    f.writeGoldenVectors(new float[] {30, 10, 1}, Fixtures.expectedScore(30, 10, 1) + 0.01);

    // when
    InferenceException e = assertThrows(InferenceException.class, f::build);

    // then nothing is written and the message names the model and the vector
    assertEquals(InferenceException.Code.BUNDLE_BUILD_FAILED, e.code());
    assertTrue(e.getMessage().contains(f.onnx.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("golden vector 0: output p[0]"), e.getMessage());
    assertFalse(Files.exists(f.out));
    assertNoTempFiles(f.out.getParent());
  }

  @Test
  void refusesAModelThatDoesNotMatchItsManifest() throws IOException {
    // given a manifest that declares four features for a model that takes three
    Fixtures f = new Fixtures(dir);
    Files.writeString(
        f.manifest,
        Fixtures.DRAFT_MANIFEST
            .replace("[-1, 3]", "[-1, 4]")
            .replace(
                "\"required\": false}",
                "\"required\": false},\n"
                    + "{\"name\": \"d\", \"unit\": \"1\", \"min\": 0, \"max\": 1,"
                    + " \"required\": false}"));
    Files.writeString(f.csv, "a,b,c,d\n1,2,3,4\n");

    InferenceException e = assertThrows(InferenceException.class, f::build);

    assertTrue(e.getMessage().contains("does not match its manifest"), e.getMessage());
  }

  @Test
  void namesTheDraftManifestThatIsInvalid() throws IOException {
    Fixtures f = new Fixtures(dir);
    Files.writeString(f.manifest, Fixtures.DRAFT_MANIFEST.replace("\"1.0.0\"", "\"one\""));

    InferenceException e = assertThrows(InferenceException.class, f::build);

    assertTrue(e.getMessage().startsWith("draft manifest " + f.manifest), e.getMessage());
    assertTrue(e.getMessage().contains("version"), e.getMessage());
  }

  @Test
  void namesTheReferenceFileLineAndColumnOfABadCell() throws IOException {
    Fixtures f = new Fixtures(dir);
    Files.writeString(f.csv, "id,a,b,c\n1,1,2,3\n2,1,x,3\n");

    InferenceException e = assertThrows(InferenceException.class, f::build);

    assertEquals(InferenceException.Code.REFERENCE_DATA_INVALID, e.code());
    assertTrue(e.getMessage().contains(f.csv + ": line 3, column 3 (b)"), e.getMessage());
  }

  @Test
  void refusesAnEmptyEvidenceFolder() throws IOException {
    Fixtures f = new Fixtures(dir);
    Path empty = Files.createDirectory(dir.resolve("no-evidence"));

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> BundleBuilder.build(f.onnx, f.manifest, f.csv, empty, f.out));

    assertTrue(e.getMessage().contains("holds no files"), e.getMessage());
  }

  @Test
  void refusesAnEmptyFolderInsideTheEvidence() throws IOException {
    Fixtures f = new Fixtures(dir);
    Files.createDirectory(f.evidence.resolve("roc"));

    InferenceException e = assertThrows(InferenceException.class, f::build);

    assertTrue(e.getMessage().contains("the folder roc is empty"), e.getMessage());
  }

  @Test
  void refusesASymbolicLinkInTheEvidence() throws IOException {
    Fixtures f = new Fixtures(dir);
    Files.createSymbolicLink(f.evidence.resolve("data.csv"), f.csv);

    InferenceException e = assertThrows(InferenceException.class, f::build);

    assertTrue(e.getMessage().contains("data.csv is a symbolic link"), e.getMessage());
  }

  @Test
  void refusesAnEvidenceFileWhoseNameABundleCannotHold() throws IOException {
    Fixtures f = new Fixtures(dir);
    Files.writeString(f.evidence.resolve(".DS_Store"), "x");

    InferenceException e = assertThrows(InferenceException.class, f::build);

    assertTrue(e.getMessage().contains(".DS_Store has a name"), e.getMessage());
  }

  @Test
  void refusesToWriteTheBundleIntoItsOwnEvidence() throws IOException {
    Fixtures f = new Fixtures(dir);
    Path inside = f.evidence.resolve("tiny.vbundle");

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> BundleBuilder.build(f.onnx, f.manifest, f.csv, f.evidence, inside));

    assertTrue(e.getMessage().contains("inside the evidence folder"), e.getMessage());
  }

  @Test
  void namesAMissingModelFile() throws IOException {
    Fixtures f = new Fixtures(dir);
    Path missing = dir.resolve("nope.onnx");

    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> BundleBuilder.build(missing, f.manifest, f.csv, f.evidence, f.out));

    assertEquals("model " + missing + " does not exist or is not a file", e.getMessage());
  }

  private static void assertNoTempFiles(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.list(folder)) {
        assertEquals(List.of(), files.toList());
      }
    }
  }
}
