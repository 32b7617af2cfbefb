package io.vigil.inference.build;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleWriter;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.bundle.ManifestCodec;
import io.vigil.inference.bundle.ReferenceData;
import io.vigil.inference.bundle.ReferenceProfile;
import io.vigil.inference.bundle.ReferenceProfileCodec;
import io.vigil.inference.runtime.OnnxModel;
import io.vigil.inference.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a certified model bundle on the manufacturer's side ({@code vigil bundle build}): seals
 * the model, the evidence and the reference profile into a {@code .vbundle}.
 *
 * <p>The same inputs give the same bytes as long as the reference data has at most {@link
 * ReferenceProfile#KLL_K} rows; beyond that only the profile's KLL sketches may vary between builds
 * (see {@link ReferenceProfile}).
 */
public final class BundleBuilder {

  /** Reference rows the model scores per run. */
  static final int BATCH_ROWS = 256;

  /** The folder inside a bundle that holds the evidence. */
  static final String EVIDENCE = "evidence/";

  // The file names a manifest accepts (ManifestCodec's rule), checked early for a clear message.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private BundleBuilder() {}

  /**
   * Builds a bundle from a model, a draft manifest (no files table), reference data and an evidence
   * folder; computes the reference profile; writes the .vbundle deterministically and returns its
   * sha256 (lower-case hex).
   */
  public static String build(
      Path onnx, Path draftManifestJson, Path referenceCsv, Path evidenceDir, Path outBundle) {
    Manifest draft;
    try {
      draft = ManifestCodec.parseDraft(read(draftManifestJson, "draft manifest"));
    } catch (InferenceException e) {
      throw failed("draft manifest " + draftManifestJson + ": " + e.getMessage(), e);
    }
    Map<String, byte[]> files = new TreeMap<>();
    files.put(Bundle.MODEL, read(onnx, "model"));
    files.putAll(evidence(evidenceDir, outBundle));
    ReferenceData data = ReferenceData.read(referenceCsv, draft);

    Bundle provisional = write(draft, files, onnx, evidenceDir);
    float[] scores = score(provisional, data, onnx, evidenceDir);
    ReferenceProfile profile =
        ReferenceProfile.of(data, draft.decision().output(), draft.decision().threshold(), scores);
    files.put(ReferenceProfile.FILE, ReferenceProfileCodec.write(profile));

    Bundle bundle = write(draft, files, onnx, evidenceDir);
    writeAtomically(outBundle, bundle.bytes());
    return bundle.sha256();
  }

  /** Every regular file under {@code dir}, keyed {@code evidence/<relative path>}. */
  static Map<String, byte[]> evidence(Path dir, Path outBundle) {
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException e) {
      throw failed("evidence folder " + dir + " cannot be read: " + e, e);
    }
    if (!Files.isDirectory(root)) {
      throw failed("evidence folder " + dir + " is not a folder");
    }
    if (outBundle.toAbsolutePath().normalize().startsWith(root)
        || outBundle.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
      throw failed(
          "the bundle " + outBundle + " would be written inside the evidence folder " + dir);
    }
    Map<String, byte[]> files = new TreeMap<>();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted().toList();
    } catch (IOException e) {
      throw failed("evidence folder " + dir + " cannot be listed: " + e, e);
    }
    for (Path path : paths) {
      String relative = root.relativize(path).toString().replace('\\', '/');
      if (path.equals(root)) {
        continue;
      }
      if (Files.isSymbolicLink(path)) {
        throw failed("evidence " + dir + ": " + relative + " is a symbolic link; copy the file in");
      }
      for (String part : relative.split("/")) {
        if (!NAME.matcher(part).matches()) {
          throw failed(
              "evidence "
                  + dir
                  + ": "
                  + relative
                  + " has a name a bundle cannot hold (letters, digits, '.', '_', '-', not"
                  + " starting with '.')");
        }
      }
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        if (isEmpty(path)) {
          throw failed("evidence " + dir + ": the folder " + relative + " is empty");
        }
      } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        files.put(EVIDENCE + relative, read(path, "evidence file"));
      } else {
        throw failed("evidence " + dir + ": " + relative + " is not a regular file");
      }
    }
    if (files.isEmpty()) {
      throw failed("evidence folder " + dir + " holds no files; a bundle needs its evidence");
    }
    return files;
  }

  /** Column 0 of the decision output for every reference row without a missing value. */
  private static float[] score(Bundle bundle, ReferenceData data, Path onnx, Path evidenceDir) {
    Manifest manifest = bundle.manifest();
    List<TensorSpec> inputs = manifest.inputs();
    int output = manifest.outputs().indexOf(manifest.output(manifest.decision().output()).get());
    int outputWidth = manifest.outputs().get(output).rowWidth();
    List<Integer> complete = new ArrayList<>();
    for (int r = 0; r < data.rows(); r++) {
      if (data.complete(r)) {
        complete.add(r);
      }
    }
    float[] scores = new float[complete.size()];
    try (OnnxModel model = OnnxModel.load(bundle, RuntimeOptions.DEFAULT)) {
      OnnxModel.Scratch scratch = model.scratch(BATCH_ROWS);
      for (int start = 0; start < complete.size(); start += BATCH_ROWS) {
        int rows = Math.min(BATCH_ROWS, complete.size() - start);
        int offset = 0;
        for (int i = 0; i < inputs.size(); i++) {
          int width = inputs.get(i).rowWidth();
          float[] batch = new float[rows * width];
          for (int b = 0; b < rows; b++) {
            float[] row = data.row(complete.get(start + b));
            System.arraycopy(row, offset, batch, b * width, width);
          }
          scratch.put(i, 0, batch, width);
          offset += width;
        }
        float[] out = model.run(scratch, rows)[output];
        for (int b = 0; b < rows; b++) {
          float score = out[b * outputWidth];
          if (!Float.isFinite(score)) {
            throw failed(
                "model "
                    + onnx
                    + " gives the score "
                    + score
                    + " for reference row "
                    + (complete.get(start + b) + 1)
                    + " of "
                    + data.source());
          }
          scores[start + b] = score;
        }
      }
    } catch (InferenceException e) {
      throw failed(
          "model " + onnx + " with evidence " + evidenceDir + " is refused: " + e.getMessage(), e);
    }
    return scores;
  }

  private static Bundle write(
      Manifest draft, Map<String, byte[]> files, Path onnx, Path evidenceDir) {
    try {
      return BundleWriter.write(draft, files);
    } catch (InferenceException e) {
      throw failed(
          "cannot seal " + onnx + " and evidence " + evidenceDir + ": " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw failed("bundle " + target + " cannot be written: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The move failed already and says why; a stray temp file is the lesser problem.
        }
      }
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw failed("evidence folder " + dir + " cannot be listed: " + e, e);
    }
  }

  private static byte[] read(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw failed(what + " " + file + " does not exist or is not a file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw failed(what + " " + file + " cannot be read: " + e, e);
    }
  }

  private static InferenceException failed(String message) {
    return new InferenceException(Code.BUNDLE_BUILD_FAILED, message);
  }

  private static InferenceException failed(String message, Throwable cause) {
    return new InferenceException(Code.BUNDLE_BUILD_FAILED, message, cause);
  }
}
