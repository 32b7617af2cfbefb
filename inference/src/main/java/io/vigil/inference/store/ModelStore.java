package io.vigil.inference.store;

import io.vigil.inference.InferenceException;
import io.vigil.inference.InferenceException.Code;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The content-addressed model store under the data directory: {@code
 * models/<sha256>/bundle.vbundle}.
 *
 * <p>A bundle is written to a temporary folder, synced, and renamed into place in one step, so a
 * crash leaves either the whole bundle or none of it; leftovers are removed when the store opens.
 * Stored bundles are read-only and are verified again, digest by digest, every time they are read.
 */
public final class ModelStore {

  /** The file name of a bundle inside its folder. */
  public static final String BUNDLE_FILE = "bundle.vbundle";

  private static final String TEMP_PREFIX = ".tmp-";
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path root;

  private ModelStore(Path root) {
    this.root = root;
  }

  /**
   * Opens (and creates if needed) the store in {@code dataDir/models}, removing half-written
   * bundles.
   */
  public static ModelStore open(Path dataDir) {
    Path root = dataDir.resolve("models");
    try {
      Files.createDirectories(root);
      try (Stream<Path> entries = Files.list(root)) {
        for (Path leftover :
            entries.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
          deleteTree(leftover);
        }
      }
    } catch (IOException e) {
      throw new InferenceException(
          Code.STORE_FAILED, "model store " + root + " cannot be opened: " + e, e);
    }
    return new ModelStore(root);
  }

  /** The folder that holds the bundles. */
  public Path root() {
    return root;
  }

  /** Whether a bundle with this digest is stored. */
  public boolean contains(String sha256) {
    return Files.isRegularFile(root.resolve(sha256).resolve(BUNDLE_FILE));
  }

  /**
   * Stores a verified bundle; storing one that is already there changes nothing.
   *
   * @return whether the bundle was newly stored
   */
  public boolean install(Bundle bundle) {
    Path target = root.resolve(bundle.sha256());
    if (contains(bundle.sha256())) {
      return false;
    }
    Path temp = root.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      Files.createDirectory(temp);
      Path file = temp.resolve(BUNDLE_FILE);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(bundle.bytes()));
        channel.force(true);
      }
      setReadOnly(file, "r--r-----");
      fsyncDirectory(temp);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // Another installer won the race with identical content (same digest): keep theirs.
        deleteTree(temp);
        return false;
      }
      setReadOnly(target, "r-xr-x---");
      fsyncDirectory(root);
      return true;
    } catch (AtomicMoveNotSupportedException e) {
      throw new InferenceException(
          Code.STORE_FAILED,
          "model store " + root + " is on a file system without atomic rename",
          e);
    } catch (IOException e) {
      try {
        deleteTree(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new InferenceException(
          Code.STORE_FAILED, "cannot store " + bundle.label() + " in " + root + ": " + e, e);
    }
  }

  /** Reads and verifies the stored bundle with this digest. */
  public Bundle read(String sha256) {
    Path file = root.resolve(sha256).resolve(BUNDLE_FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InferenceException(
          Code.STORE_FAILED, "stored bundle " + file + " cannot be read: " + e, e);
    }
    try {
      return BundleReader.read(bytes, file.toString(), sha256);
    } catch (InferenceException e) {
      throw new InferenceException(e.code(), e.getMessage() + " (altered after it was stored)");
    }
  }

  /** Every stored bundle, verified; one that fails verification is listed in {@code refused}. */
  public Listing list() {
    List<Bundle> bundles = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      for (Path dir : entries.sorted().toList()) {
        String name = dir.getFileName().toString();
        if (!SHA256.matcher(name).matches()) {
          continue;
        }
        try {
          bundles.add(read(name));
        } catch (InferenceException e) {
          refused.add(e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new InferenceException(
          Code.STORE_FAILED, "model store " + root + " cannot be listed: " + e, e);
    }
    return new Listing(bundles, refused);
  }

  /** The result of {@link #list()}: the bundles that verified and why the others were refused. */
  public record Listing(List<Bundle> bundles, List<String> refused) {
    public Listing {
      bundles = List.copyOf(bundles);
      refused = List.copyOf(refused);
    }
  }

  private static void setReadOnly(Path path, String permissions) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(p)) {
          p.toFile().setWritable(true);
        }
        Files.delete(p);
      }
    }
  }
}
