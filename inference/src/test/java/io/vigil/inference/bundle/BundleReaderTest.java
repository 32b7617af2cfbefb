package io.vigil.inference.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.canonical.Sha256;
import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.TestBundles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class BundleReaderTest {

  @Test
  void readsTheBundleItWroteAndVerifiesEveryFile() {
    Bundle written = TestBundles.bundle();

    Bundle read = BundleReader.read(written.bytes(), "test.vbundle");

    assertEquals(written.sha256(), read.sha256());
    assertEquals(Sha256.hex(written.bytes()), read.sha256());
    assertEquals("test-model", read.manifest().modelId());
    assertEquals(3, read.manifest().files().size());
    assertEquals(
        Sha256.hex(TestBundles.files().get(Bundle.MODEL)),
        read.manifest().files().get(Bundle.MODEL));
  }

  @Test
  void aVerifiedBundleCannotBeChangedThroughWhatItHandsOut() {
    Bundle bundle = TestBundles.bundle();
    String digest = bundle.manifest().files().get(Bundle.MODEL);

    assertThrows(
        UnsupportedOperationException.class,
        () -> bundle.manifest().files().put(Bundle.MODEL, "0".repeat(64)));
    assertThrows(UnsupportedOperationException.class, () -> bundle.manifest().inputs().clear());
    bundle.file(Bundle.MODEL).orElseThrow()[0] ^= 1;
    bundle.bytes()[0] ^= 1;

    assertEquals(digest, Sha256.hex(bundle.file(Bundle.MODEL).orElseThrow()));
    assertEquals(bundle.sha256(), Sha256.hex(bundle.bytes()));
  }

  @Test
  void writesTheSameBytesForTheSameInputs() {
    assertEquals(TestBundles.bundle().sha256(), TestBundles.bundle().sha256());
  }

  @Test
  void rejectsBundleWithOneByteFlippedInAnyOfItsFiles() throws IOException {
    Map<String, byte[]> entries = unzip(TestBundles.bundle().bytes());
    String expectedSha256 = Sha256.hex(zip(entries));
    for (String name : entries.keySet()) {
      byte[] content = entries.get(name);
      for (int offset : new int[] {0, content.length / 2, content.length - 1}) {
        Map<String, byte[]> altered = new LinkedHashMap<>(entries);
        byte[] changed = content.clone();
        changed[offset] ^= 0x01;
        altered.put(name, changed);

        InferenceException e =
            assertThrows(
                InferenceException.class,
                () -> BundleReader.read(zip(altered), "t.vbundle"),
                name + "@" + offset);

        if (name.equals(Bundle.MANIFEST)) {
          assertTrue(
              e.code() == Code.BUNDLE_INVALID || e.code() == Code.MANIFEST_INVALID, e.getMessage());
        } else {
          assertEquals(Code.BUNDLE_INVALID, e.code());
          assertTrue(e.getMessage().contains("file " + name + " has sha256"), e.getMessage());
        }
      }
    }
  }

  @Test
  void rejectsBundleWithOneByteFlippedAnywhereInTheZip() {
    byte[] bytes = TestBundles.bundle().bytes();
    for (int offset = 0; offset < bytes.length; offset += 7) {
      byte[] altered = bytes.clone();
      altered[offset] ^= 0x20;
      try {
        Bundle read = BundleReader.read(altered, "t.vbundle");
        // A flip in zip metadata that no reader uses (e.g. a timestamp) leaves the content intact,
        // but the bundle's identity changes with it, so the store and TUF still tell it apart.
        assertTrue(!read.sha256().equals(TestBundles.bundle().sha256()));
        assertEquals(
            unzipUnchecked(bytes).get(Bundle.MODEL).length,
            read.file(Bundle.MODEL).orElseThrow().length);
      } catch (InferenceException e) {
        assertTrue(
            e.code() == Code.BUNDLE_INVALID || e.code() == Code.MANIFEST_INVALID, e.getMessage());
      }
    }
  }

  @Test
  void rejectsAManifestEditedAfterTheBundleWasBuilt() throws IOException {
    Map<String, byte[]> entries = unzip(TestBundles.bundle().bytes());
    String manifest = new String(entries.get(Bundle.MANIFEST), StandardCharsets.UTF_8);
    entries.put(
        Bundle.MANIFEST,
        manifest
            .replace("\"threshold\" : 0.5", "\"threshold\":0.5")
            .getBytes(StandardCharsets.UTF_8));

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip(entries), "t.vbundle"));

    assertTrue(e.getMessage().contains("not in the canonical form"), e.getMessage());
  }

  @Test
  void rejectsBundleWithAMissingFile() throws IOException {
    Map<String, byte[]> entries = unzip(TestBundles.bundle().bytes());
    entries.remove("evidence/report.md");

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip(entries), "t.vbundle"));

    assertEquals(
        "bundle t.vbundle file evidence/report.md is listed in the manifest but missing",
        e.getMessage());
  }

  @Test
  void rejectsBundleWithAnExtraFile() throws IOException {
    Map<String, byte[]> entries = unzip(TestBundles.bundle().bytes());
    entries.put("evidence/extra.txt", "smuggled".getBytes(StandardCharsets.UTF_8));

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip(entries), "t.vbundle"));

    assertEquals(
        "bundle t.vbundle holds files the manifest does not list: [evidence/extra.txt]",
        e.getMessage());
  }

  @Test
  void rejectsBundleWithoutManifest() throws IOException {
    Map<String, byte[]> entries = unzip(TestBundles.bundle().bytes());
    entries.remove(Bundle.MANIFEST);

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip(entries), "t.vbundle"));

    assertEquals("bundle t.vbundle has no manifest.json", e.getMessage());
  }

  @Test
  void rejectsUnsafeEntryNames() throws IOException {
    Map<String, byte[]> entries = unzip(TestBundles.bundle().bytes());
    entries.put("../escape", new byte[] {1});

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip(entries), "t.vbundle"));

    assertTrue(e.getMessage().contains("unsafe name: ../escape"), e.getMessage());
  }

  @Test
  void rejectsSomethingThatIsNotAZip() {
    InferenceException e =
        assertThrows(
            InferenceException.class,
            () -> BundleReader.read("hello".getBytes(StandardCharsets.UTF_8), "t.vbundle"));

    assertEquals(Code.BUNDLE_INVALID, e.code());
  }

  @Test
  void refusesAFileDeclaringMoreBytesThanTheZipHoldsWithoutAllocatingThem() throws IOException {
    // Found by reading BundleReader while fuzzing it: the declared size was allocated at once.
    byte[] zip = storedFileDeclaring("model.onnx", new byte[] {1, 2, 3}, (1 << 30) - 1);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip, "t.vbundle"));

    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertEquals(Code.BUNDLE_INVALID, e.code());
    assertTrue(
        e.getMessage().startsWith("bundle t.vbundle is damaged in file model.onnx"),
        e.getMessage());
    assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void refusesAFileNameThatIsNotUtf8AsInvalid() throws IOException {
    // Found by BundleReaderFuzzTest: ZipInputStream threw IllegalArgumentException.
    byte[] zip = storedFileDeclaring("model.onnx", new byte[] {1, 2, 3}, 3);
    zip[30] = (byte) 0xff; // the first byte of the name in the local file header

    InferenceException e =
        assertThrows(InferenceException.class, () -> BundleReader.read(zip, "t.vbundle"));

    assertEquals(Code.BUNDLE_INVALID, e.code());
    assertEquals("bundle t.vbundle has a file name that is not valid UTF-8", e.getMessage());
  }

  /** A zip of one stored file whose local header declares {@code declaredSize} bytes. */
  static byte[] storedFileDeclaring(String name, byte[] content, int declaredSize)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      ZipEntry entry = new ZipEntry(name);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(content.length);
      entry.setCompressedSize(content.length);
      CRC32 crc = new CRC32();
      crc.update(content);
      entry.setCrc(crc.getValue());
      zip.putNextEntry(entry);
      zip.write(content);
      zip.closeEntry();
    }
    ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    // The local file header's compressed and uncompressed sizes, at offsets 18 and 22.
    bytes.putInt(18, declaredSize).putInt(22, declaredSize);
    return bytes.array();
  }

  static Map<String, byte[]> unzip(byte[] bytes) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    }
    return entries;
  }

  private static Map<String, byte[]> unzipUnchecked(byte[] bytes) {
    try {
      return unzip(bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
