package io.vigil.inference.bundle;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reference rows read from a CSV file: one column per input feature of a manifest, in manifest
 * order, as FP32 values.
 *
 * <p>The file has a header row; columns named after the manifest's features are used and all others
 * (an {@code id}, a label) are ignored. A cell is a decimal number or empty; an empty cell is a
 * missing value. Blank lines are skipped, fields may be double-quoted. A missing feature column, a
 * duplicate one, a ragged row or a cell that is not a number is an error that names the file, the
 * line and the column.
 */
public final class ReferenceData {

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final String source;
  private final List<String> features;
  private final float[][] columns;

  private ReferenceData(String source, List<String> features, float[][] columns) {
    this.source = source;
    this.features = List.copyOf(features);
    this.columns = columns;
  }

  /** Reads the columns of {@code csv} named after the input features of {@code manifest}. */
  public static ReferenceData read(Path csv, Manifest manifest) {
    List<String> names =
        manifest.inputs().stream()
            .flatMap(t -> t.features().stream())
            .map(Manifest.Feature::name)
            .toList();
    return read(csv, names);
  }

  /** Reads the columns of {@code csv} named {@code featureNames}, in that order. */
  public static ReferenceData read(Path csv, List<String> featureNames) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(csv)))
              .toString();
    } catch (CharacterCodingException e) {
      throw invalid(csv + ": is not UTF-8 text");
    } catch (IOException e) {
      throw new InferenceException(
          Code.REFERENCE_DATA_INVALID, "reference data " + csv + " cannot be read: " + e, e);
    }
    return parse(csv.toString(), text, featureNames);
  }

  /** Rows given directly, row-major; {@code Float.NaN} marks a missing value. */
  static ReferenceData of(List<String> features, float[][] rows) {
    return new ReferenceData("(in memory)", features, columns(features, rows));
  }

  private static float[][] columns(List<String> features, float[][] rows) {
    float[][] columns = new float[features.size()][rows.length];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != features.size()) {
        throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values");
      }
      for (int f = 0; f < features.size(); f++) {
        // Adding 0 turns -0 into 0, so that equal data gives equal profile bytes.
        columns[f][r] = rows[r][f] + 0.0f;
      }
    }
    return columns;
  }

  /** Where the rows came from, for messages. */
  public String source() {
    return source;
  }

  /** The feature names, in manifest order. */
  public List<String> features() {
    return features;
  }

  /** The number of data rows. */
  public int rows() {
    return columns.length == 0 ? 0 : columns[0].length;
  }

  /** The values of one feature, one per row; {@code Float.NaN} marks a missing value. */
  public float[] column(int feature) {
    return columns[feature].clone();
  }

  /** Whether a row has a value for every feature. */
  public boolean complete(int row) {
    for (float[] column : columns) {
      if (Float.isNaN(column[row])) {
        return false;
      }
    }
    return true;
  }

  /** The values of one row, in feature order; {@code Float.NaN} marks a missing value. */
  public float[] row(int row) {
    float[] values = new float[columns.length];
    for (int f = 0; f < columns.length; f++) {
      values[f] = columns[f][row];
    }
    return values;
  }

  static ReferenceData parse(String source, String text, List<String> featureNames) {
    if (featureNames.isEmpty()) {
      throw new IllegalArgumentException("featureNames is empty");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\n", -1);
    List<String> header = fields(source, 1, strip(lines[0]));
    int[] index = columnIndexes(source, header, featureNames);
    List<float[]> rows = new ArrayList<>();
    for (int l = 1; l < lines.length; l++) {
      String line = strip(lines[l]);
      if (line.isBlank()) {
        continue;
      }
      int lineNo = l + 1;
      List<String> cells = fields(source, lineNo, line);
      if (cells.size() != header.size()) {
        throw invalid(
            source
                + ": line "
                + lineNo
                + ": has "
                + cells.size()
                + " fields, but the header has "
                + header.size());
      }
      float[] row = new float[featureNames.size()];
      for (int f = 0; f < index.length; f++) {
        row[f] = cell(source, lineNo, index[f], featureNames.get(f), cells.get(index[f]));
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw invalid(source + ": has a header but no data rows");
    }
    return new ReferenceData(
        source, featureNames, columns(featureNames, rows.toArray(new float[0][])));
  }

  private static int[] columnIndexes(String source, List<String> header, List<String> features) {
    Map<String, Integer> positions = new HashMap<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).trim();
      if (features.contains(name) && positions.put(name, c) != null) {
        throw invalid(source + ": line 1: the header names the feature " + name + " twice");
      }
    }
    int[] index = new int[features.size()];
    for (int f = 0; f < features.size(); f++) {
      Integer c = positions.get(features.get(f));
      if (c == null) {
        throw invalid(
            source
                + ": line 1: no column named "
                + features.get(f)
                + ", which the manifest declares as an input feature; the header has "
                + header);
      }
      index[f] = c;
    }
    return index;
  }

  private static float cell(String source, int line, int column, String feature, String raw) {
    String cell = raw.trim();
    if (cell.isEmpty()) {
      return Float.NaN;
    }
    String where = source + ": line " + line + ", column " + (column + 1) + " (" + feature + ")";
    if (!NUMBER.matcher(cell).matches()) {
      throw invalid(where + ": expected a decimal number or an empty cell, got '" + cell + "'");
    }
    float value = Float.parseFloat(cell);
    if (Float.isInfinite(value)) {
      throw invalid(where + ": " + cell + " is outside the range of FP32");
    }
    return value;
  }

  /** Splits one line into fields; a field may be double-quoted, with {@code ""} for a quote. */
  private static List<String> fields(String source, int line, String text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.toString().isBlank()) {
        field.setLength(0);
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw invalid(source + ": line " + line + ": a quoted field is not closed on this line");
    }
    fields.add(field.toString());
    return fields;
  }

  private static String strip(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(Code.REFERENCE_DATA_INVALID, "reference data " + message);
  }
}
