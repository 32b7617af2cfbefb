package io.vigil.gateway.install;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import io.vigil.trust.tuf.Source;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A repository shipped inside the jar: the demonstration repository that the build makes. Its files
 * go through the same {@link io.vigil.trust.tuf.Updater} checks as any other source's.
 */
public final class ClasspathSource implements Source {

  /** Where the build puts the demonstration repository on the class path. */
  public static final String DEMO_REPOSITORY = "/io/vigil/demo/repository/";

  private final String base;

  private ClasspathSource(String base) {
    this.base = base;
  }

  /** The demonstration repository, if this build carries one. */
  public static Optional<ClasspathSource> demo() {
    ClasspathSource source = new ClasspathSource(DEMO_REPOSITORY);
    return source.metadata("1.root.json", 1 << 20).isPresent()
        ? Optional.of(source)
        : Optional.empty();
  }

  /** The demonstration repository's first root, trusted on a gateway's first start. */
  public byte[] firstRoot() {
    return metadata("1.root.json", 1 << 20)
        .orElseThrow(
            () -> new TrustException(Code.FETCH_FAILED, "the jar has no demonstration root"));
  }

  @Override
  public Optional<byte[]> metadata(String name, long maxLength) {
    return read("metadata/" + name, maxLength);
  }

  @Override
  public Optional<byte[]> target(String path, long maxLength) {
    return read("targets/" + path, maxLength);
  }

  @Override
  public String describe() {
    return "the demonstration repository in the jar";
  }

  private Optional<byte[]> read(String path, long maxLength) {
    if (path.contains("..")) {
      throw new TrustException(Code.MALFORMED, path + " points outside the repository");
    }
    try (InputStream in = ClasspathSource.class.getResourceAsStream(base + path)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(Source.readCapped(in, maxLength, path));
    } catch (IOException e) {
      throw new TrustException(Code.FETCH_FAILED, "cannot read " + path + " from the jar: " + e, e);
    }
  }
}
