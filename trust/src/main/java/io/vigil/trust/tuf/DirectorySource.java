package io.vigil.trust.tuf;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A repository on a file system, e.g. removable media: {@code DIR/metadata/} and {@code
 * DIR/targets/}, the layout {@code vigil repo} and python-tuf's tooling write.
 */
public final class DirectorySource implements Source {

  private final Path metadata;
  private final Path targets;

  private DirectorySource(Path metadata, Path targets) {
    this.metadata = metadata;
    this.targets = targets;
  }

  /** The repository in {@code dir}; throws {@link Code#FETCH_FAILED} if it has no metadata. */
  public static DirectorySource of(Path dir) {
    Path metadata = dir.resolve("metadata");
    if (!Files.isDirectory(metadata)) {
      throw new TrustException(
          Code.FETCH_FAILED,
          dir
              + " is not a TUF repository: it has no metadata/ directory"
              + (Files.isDirectory(dir) ? "" : " (it is not a readable directory)"));
    }
    return new DirectorySource(metadata, dir.resolve("targets"));
  }

  @Override
  public Optional<byte[]> metadata(String name, long maxLength) {
    return read(metadata, name, maxLength, "metadata file " + name);
  }

  @Override
  public Optional<byte[]> target(String path, long maxLength) {
    return read(targets, path, maxLength, "target " + path);
  }

  @Override
  public String describe() {
    return "directory " + metadata.getParent();
  }

  private static Optional<byte[]> read(Path base, String name, long maxLength, String what) {
    Path file = base.resolve(name).normalize();
    if (!file.startsWith(base.normalize()) || name.isEmpty()) {
      throw new TrustException(Code.MALFORMED, what + " points outside the repository");
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(file)) {
          throw new TrustException(
              Code.FETCH_FAILED, what + " in " + base + " is not a regular file");
        }
        return Optional.empty();
      }
      if (Files.size(file) > maxLength) {
        throw new TrustException(
            Code.TOO_LONG,
            what + " has " + Files.size(file) + " bytes, over its cap of " + maxLength);
      }
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(Source.readCapped(in, maxLength, what));
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TrustException(
          Code.FETCH_FAILED, "cannot read " + what + " from " + base + ": " + e, e);
    }
  }
}
