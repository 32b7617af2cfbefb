package io.vigil.inference.bundle;

import io.vigil.canonical.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a bundle: the manifest with the sha256 of every file, then the files, in name order,
 * stored uncompressed with a fixed timestamp, so the same inputs always give the same bytes.
 */
public final class BundleWriter {

  // Stored, not deflated: deflate's output depends on the zlib build, and models barely compress.
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private BundleWriter() {}

  /**
   * Computes the digests of {@code files}, seals them into the manifest and returns the verified
   * bundle; {@code files} must hold {@code model.onnx} and must not hold {@code manifest.json}.
   */
  public static Bundle write(Manifest draft, Map<String, byte[]> files) {
    if (files.containsKey(Bundle.MANIFEST)) {
      throw new IllegalArgumentException("files must not contain " + Bundle.MANIFEST);
    }
    if (!files.containsKey(Bundle.MODEL)) {
      throw new IllegalArgumentException("files must contain " + Bundle.MODEL);
    }
    SortedMap<String, byte[]> sorted = new TreeMap<>(files);
    SortedMap<String, String> digests = new TreeMap<>();
    sorted.forEach((name, content) -> digests.put(name, Sha256.hex(content)));
    byte[] manifest = ManifestCodec.write(draft.withFiles(digests));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, Bundle.MANIFEST, manifest);
      for (Map.Entry<String, byte[]> file : sorted.entrySet()) {
        put(zip, file.getKey(), file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    byte[] bytes = out.toByteArray();
    return BundleReader.read(bytes, draft.modelId() + "-" + draft.version() + ".vbundle");
  }

  private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(content.length);
    entry.setCompressedSize(content.length);
    CRC32 crc = new CRC32();
    crc.update(content);
    entry.setCrc(crc.getValue());
    entry.setTimeLocal(FIXED_TIME);
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }
}
