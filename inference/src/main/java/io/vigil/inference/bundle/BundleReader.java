package io.vigil.inference.bundle;

import io.vigil.canonical.Sha256;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a {@code .vbundle} and checks the sha256 of every file against the manifest before any byte
 * can reach ONNX Runtime; a missing, extra or altered file is refused.
 */
public final class BundleReader {

  /** The largest bundle accepted: 1 GiB. */
  public static final long DEFAULT_MAX_BUNDLE_BYTES = 1L << 30;

  private static final int MAX_ENTRIES = 1_000;

  private BundleReader() {}

  /** Reads and verifies a bundle file. */
  public static Bundle read(Path file) {
    try {
      long size = Files.size(file);
      if (size > DEFAULT_MAX_BUNDLE_BYTES) {
        throw invalid(
            file.getFileName().toString(),
            "is " + size + " bytes, over the limit of " + DEFAULT_MAX_BUNDLE_BYTES);
      }
      return read(Files.readAllBytes(file), file.getFileName().toString());
    } catch (IOException e) {
      throw new InferenceException(
          Code.BUNDLE_INVALID, "bundle " + file + " cannot be read: " + e, e);
    }
  }

  /**
   * Verifies a bundle whose sha256 is known from elsewhere (signed metadata, the store's folder
   * name): any changed byte, the manifest's included, is refused.
   */
  public static Bundle read(byte[] bytes, String name, String expectedSha256) {
    String actual = Sha256.hex(bytes);
    if (!actual.equals(expectedSha256)) {
      throw invalid(name, "has sha256 " + actual + " but " + expectedSha256 + " was expected");
    }
    return read(bytes, name);
  }

  /**
   * Verifies a bundle held in memory against its own manifest; {@code name} only labels error
   * messages. The manifest itself is only as authentic as the bundle's digest: check that too where
   * it is known, with {@link #read(byte[], String, String)}.
   */
  public static Bundle read(byte[] bytes, String name) {
    if (bytes.length > DEFAULT_MAX_BUNDLE_BYTES) {
      throw invalid(
          name, "is " + bytes.length + " bytes, over the limit of " + DEFAULT_MAX_BUNDLE_BYTES);
    }
    Map<String, byte[]> entries = unzip(bytes, name);
    byte[] manifestBytes = entries.get(Bundle.MANIFEST);
    if (manifestBytes == null) {
      throw invalid(name, "has no " + Bundle.MANIFEST);
    }
    Manifest manifest;
    try {
      manifest = ManifestCodec.parse(manifestBytes);
    } catch (InferenceException e) {
      throw new InferenceException(e.code(), "bundle " + name + ": " + e.getMessage());
    }
    // The builder writes the manifest in canonical form; any other form was edited afterwards.
    if (!Arrays.equals(ManifestCodec.write(manifest), manifestBytes)) {
      throw invalid(
          name,
          "has a manifest.json that is not in the canonical form the builder writes: it was edited after the bundle was built");
    }
    for (Map.Entry<String, String> expected : manifest.files().entrySet()) {
      byte[] content = entries.get(expected.getKey());
      if (content == null) {
        throw invalid(name, "file " + expected.getKey() + " is listed in the manifest but missing");
      }
      String actual = Sha256.hex(content);
      if (!actual.equals(expected.getValue())) {
        throw invalid(
            name,
            "file "
                + expected.getKey()
                + " has sha256 "
                + actual
                + " but the manifest says "
                + expected.getValue());
      }
    }
    TreeSet<String> extra = new TreeSet<>(entries.keySet());
    extra.remove(Bundle.MANIFEST);
    extra.removeAll(manifest.files().keySet());
    if (!extra.isEmpty()) {
      throw invalid(name, "holds files the manifest does not list: " + extra);
    }
    entries.remove(Bundle.MANIFEST);
    return new Bundle(manifest, Sha256.hex(bytes), bytes, entries);
  }

  private static Map<String, byte[]> unzip(byte[] bytes, String name) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    long total = 0;
    String current = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        String entryName = entry.getName();
        current = entryName;
        if (entry.isDirectory()) {
          continue;
        }
        if (entryName.startsWith("/")
            || entryName.contains("\\")
            || entryName.contains("..")
            || entryName.isEmpty()) {
          throw invalid(name, "holds a file with an unsafe name: " + entryName);
        }
        if (entries.size() >= MAX_ENTRIES) {
          throw invalid(name, "holds more than " + MAX_ENTRIES + " files");
        }
        byte[] content =
            readCapped(
                zip,
                entry.getSize(),
                bytes.length,
                DEFAULT_MAX_BUNDLE_BYTES - total,
                name,
                entryName);
        total += content.length;
        if (entries.put(entryName, content) != null) {
          throw invalid(name, "holds the file " + entryName + " twice");
        }
      }
    } catch (ZipException e) {
      throw invalid(
          name,
          (current == null ? "is not a valid zip file: " : "is damaged in file " + current + ": ")
              + e.getMessage());
    } catch (IOException e) {
      throw invalid(name, "cannot be unpacked: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // ZipInputStream's way of saying that a file name is not UTF-8.
      throw invalid(
          name,
          (current == null ? "has" : "has, after file " + current + ",")
              + " a file name that is not valid UTF-8");
    }
    if (entries.isEmpty()) {
      throw invalid(name, "is not a zip file or is empty");
    }
    return entries;
  }

  /**
   * Reads one file of the zip, refusing it past {@code cap} bytes. A file whose size the zip
   * declares (every file of a bundle, which is stored) is read into an array of that size in one
   * step: growing a buffer to the size of a large model would need three times its size at once.
   * The declared size is believed only up to {@code zipBytes}, the size of the zip itself, which no
   * stored file can exceed: a few bytes of hostile zip must not make the reader allocate 1 GiB.
   */
  private static byte[] readCapped(
      InputStream in, long declaredSize, long zipBytes, long cap, String name, String entryName)
      throws IOException {
    if (declaredSize > cap) {
      throw pastLimit(name, entryName);
    }
    if (declaredSize >= 0 && declaredSize <= zipBytes) {
      byte[] content = new byte[(int) declaredSize];
      if (in.readNBytes(content, 0, content.length) != content.length || in.read() >= 0) {
        throw invalid(name, "file " + entryName + " does not have the size its zip entry gives");
      }
      return content;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long read = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      read += n;
      if (read > cap) {
        throw pastLimit(name, entryName);
      }
      out.write(buffer, 0, n);
    }
    if (declaredSize >= 0 && read != declaredSize) {
      throw invalid(name, "file " + entryName + " does not have the size its zip entry gives");
    }
    return out.toByteArray();
  }

  private static InferenceException pastLimit(String name, String entryName) {
    return invalid(
        name,
        "file "
            + entryName
            + " unpacks past the size limit of "
            + DEFAULT_MAX_BUNDLE_BYTES
            + " bytes");
  }

  private static InferenceException invalid(String name, String problem) {
    return new InferenceException(Code.BUNDLE_INVALID, "bundle " + name + " " + problem);
  }
}
