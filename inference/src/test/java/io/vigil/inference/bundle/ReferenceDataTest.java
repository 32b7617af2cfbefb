package io.vigil.inference.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.InferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceDataTest {

  private static final List<String> FEATURES = List.of("a", "b");

  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("ref.csv"), text);
  }

  private InferenceException refused(String text) throws IOException {
    Path file = csv(text);
    return assertThrows(InferenceException.class, () -> ReferenceData.read(file, FEATURES));
  }

  @Test
  void readsTheFeatureColumnsInManifestOrderAndIgnoresTheOthers() throws IOException {
    // given columns in another order, with an id and a label
    Path file = csv("id,b,diagnosis,a\n1,20,benign,1.5\n2,30,malignant,2.5\n");

    // when
    ReferenceData data = ReferenceData.read(file, FEATURES);

    // then
    assertEquals(FEATURES, data.features());
    assertEquals(2, data.rows());
    assertArrayEquals(new float[] {1.5f, 2.5f}, data.column(0));
    assertArrayEquals(new float[] {20, 30}, data.column(1));
  }

  @Test
  void readsAnEmptyCellAsMissing() throws IOException {
    Path file = csv("a,b\r\n1,\r\n, 2 \r\n\r\n3,4\r\n");

    ReferenceData data = ReferenceData.read(file, FEATURES);

    assertEquals(3, data.rows());
    assertTrue(Float.isNaN(data.row(0)[1]));
    assertTrue(Float.isNaN(data.row(1)[0]));
    assertFalse(data.complete(0));
    assertTrue(data.complete(2));
    assertEquals(2f, data.row(1)[1]);
  }

  @Test
  void readsQuotedFields() throws IOException {
    Path file = csv("\"a\",note,\"b\"\n\"1\",\"says \"\"hi\"\", twice\",2\n");

    ReferenceData data = ReferenceData.read(file, FEATURES);

    assertArrayEquals(new float[] {1, 2}, data.row(0));
  }

  @Test
  void namesTheFileAndTheMissingFeatureColumn() throws IOException {
    InferenceException e = refused("id,a\n1,2\n");

    assertEquals(InferenceException.Code.REFERENCE_DATA_INVALID, e.code());
    assertTrue(e.getMessage().contains("ref.csv: line 1: no column named b"), e.getMessage());
  }

  @Test
  void namesTheLineAndColumnOfACellThatIsNotANumber() throws IOException {
    InferenceException e = refused("id,a,b\n1,2,3\n2,4,high\n");

    assertTrue(
        e.getMessage()
            .contains("ref.csv: line 3, column 3 (b): expected a decimal number or an empty cell"),
        e.getMessage());
    assertTrue(e.getMessage().contains("'high'"));
  }

  @Test
  void refusesNumbersJavaWouldParseButACsvShouldNotHold() throws IOException {
    for (String cell : List.of("NaN", "Infinity", "0x1p3", "1d", "1,5")) {
      InferenceException e = refused("a,b\n1,\"" + cell + "\"\n");
      assertTrue(e.getMessage().contains("line 2, column 2 (b)"), cell + ": " + e.getMessage());
    }
    InferenceException e = refused("a,b\n1,1e39\n");
    assertTrue(e.getMessage().contains("outside the range of FP32"), e.getMessage());
  }

  @Test
  void namesTheLineOfARaggedRow() throws IOException {
    InferenceException e = refused("a,b\n1,2\n3,4,5\n");

    assertTrue(
        e.getMessage().contains("ref.csv: line 3: has 3 fields, but the header has 2"),
        e.getMessage());
  }

  @Test
  void refusesAFileWithoutRows() throws IOException {
    InferenceException e = refused("a,b\n");

    assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
  }

  @Test
  void refusesAFeatureColumnNamedTwice() throws IOException {
    InferenceException e = refused("a,b,a\n1,2,3\n");

    assertTrue(e.getMessage().contains("names the feature a twice"), e.getMessage());
  }
}
