package io.vigil.trust.tuf;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where a repository's files come from: a directory, HTTP, later MQTT. A source only fetches; the
 * {@link Updater} runs every check, so every source gets the very same ones.
 */
public interface Source {

  /**
   * The metadata file {@code name} (e.g. {@code 2.root.json}, {@code timestamp.json}), or empty
   * when the repository does not have it.
   *
   * @throws TrustException {@link Code#TOO_LONG} past {@code maxLength} bytes, {@link
   *     Code#FETCH_FAILED} when the source fails
   */
  Optional<byte[]> metadata(String name, long maxLength);

  /** The target file at {@code path} (already hash-prefixed where the repository wants it). */
  Optional<byte[]> target(String path, long maxLength);

  /** What a person would call this source, for messages. */
  String describe();

  /**
   * Reads {@code in} to its end, refusing to read more than {@code maxLength} bytes: the endless
   * data attack stops here, never buffering more than the cap.
   */
  static byte[] readCapped(InputStream in, long maxLength, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxLength) {
        throw new TrustException(
            Code.TOO_LONG, what + " is longer than its cap of " + maxLength + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
