package io.vigil.gateway.http;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The request id a prediction gets when its device sends none: a UUID version 7 (RFC 9562), the
 * Unix time in milliseconds in its first 48 bits and 74 random bits after it.
 *
 * <p>Time first, because the ledger indexes every entry's ref so that an outcome can find its
 * prediction: ids that arrive in order are appended at the index's last page, where random ones
 * (version 4) land on a different page each and made every group commit write one more index page
 * per entry (20 µs of CPU per prediction and a third of the writer's rate, measured in
 * BENCHMARKS.md "Issue 18"). The random bits come from a {@link SecureRandom}, as version 4's do:
 * an id names a prediction that outcomes may be posted for, so it must not be guessed.
 */
final class RequestIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  /** The device's own id where it sent one, else a new version 7 id. */
  static String of(InferRequest request) {
    return request.id().orElseGet(RequestIds::next);
  }

  /** A new version 7 id: ordered by its millisecond, unique by its random bits. */
  static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    long high = millis << 16 | 0x7000L | b.getLong(0) & 0x0FFFL;
    long low = b.getLong(8) & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
