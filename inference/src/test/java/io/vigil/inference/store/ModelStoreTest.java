package io.vigil.inference.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

  @TempDir Path dataDir;

  @Test
  void storesABundleUnderItsDigestAndReadsItBackVerified() {
    Bundle bundle = TestBundles.bundle();
    ModelStore store = ModelStore.open(dataDir);

    store.install(bundle);

    Path file = dataDir.resolve("models").resolve(bundle.sha256()).resolve(ModelStore.BUNDLE_FILE);
    assertTrue(Files.isRegularFile(file));
    assertEquals(bundle.sha256(), store.read(bundle.sha256()).sha256());
    assertEquals(1, store.list().bundles().size());
  }

  @Test
  void makesStoredBundlesReadOnly() throws IOException {
    Bundle bundle = TestBundles.bundle();
    ModelStore store = ModelStore.open(dataDir);

    store.install(bundle);

    Path dir = store.root().resolve(bundle.sha256());
    assertEquals(
        "r--r-----",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(ModelStore.BUNDLE_FILE))));
    assertEquals("r-xr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
  }

  @Test
  void installingTheSameBundleTwiceChangesNothing() {
    Bundle bundle = TestBundles.bundle();
    ModelStore store = ModelStore.open(dataDir);

    store.install(bundle);
    store.install(bundle);

    assertEquals(1, store.list().bundles().size());
  }

  @Test
  void removesAHalfWrittenBundleLeftByACrash() throws IOException {
    Path models = Files.createDirectories(dataDir.resolve("models"));
    Path half = Files.createDirectory(models.resolve(".tmp-crashed"));
    Files.write(half.resolve(ModelStore.BUNDLE_FILE), new byte[] {'P', 'K', 3});

    ModelStore store = ModelStore.open(dataDir);

    assertFalse(Files.exists(half));
    assertTrue(store.list().bundles().isEmpty());
    assertTrue(store.list().refused().isEmpty());
    try (Stream<Path> left = Files.list(models)) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void refusesAStoredBundleAlteredAfterItWasStored() throws IOException {
    Bundle bundle = TestBundles.bundle();
    ModelStore store = ModelStore.open(dataDir);
    store.install(bundle);
    Path dir = store.root().resolve(bundle.sha256());
    Path file = dir.resolve(ModelStore.BUNDLE_FILE);
    dir.toFile().setWritable(true);
    file.toFile().setWritable(true);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);

    ModelStore.Listing listing = store.list();

    assertTrue(listing.bundles().isEmpty());
    assertEquals(1, listing.refused().size());
    assertTrue(
        listing.refused().get(0).contains("altered after it was stored"), listing.refused().get(0));
  }

  @Test
  void keepsBundlesOfEveryVersionSideBySide() {
    ModelStore store = ModelStore.open(dataDir);

    store.install(TestBundles.bundle("test-model", "1.0.0", 1));
    store.install(TestBundles.bundle("test-model", "1.1.0", 2));

    assertEquals(2, store.list().bundles().size());
  }
}
