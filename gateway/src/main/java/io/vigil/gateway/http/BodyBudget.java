package io.vigil.gateway.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory that request bodies, and the values decoded from them, may hold at once across all
 * connections ({@code server.max-inflight-body-bytes}); one budget is shared by every event loop.
 *
 * <p>A request reserves its body's bytes before the body is read; once the body is decoded, its
 * reservation becomes {@link #BYTES_PER_VALUE} per decoded value until its answer is sent.
 */
public final class BodyBudget {

  /**
   * What one decoded input value holds until the answer is sent: its float in the request, its copy
   * in the ledger entry, and its decimal text in the entry's encoding and input digest.
   */
  static final long BYTES_PER_VALUE = 32;

  private final long limitBytes;
  private final AtomicLong heldBytes = new AtomicLong();

  /** A budget of {@code limitBytes} for every request together. */
  public BodyBudget(long limitBytes) {
    if (limitBytes < 1) {
      throw new IllegalArgumentException("limitBytes < 1");
    }
    this.limitBytes = limitBytes;
  }

  /** The most bytes that requests may hold at once. */
  public long limitBytes() {
    return limitBytes;
  }

  /** The bytes that requests hold now. */
  public long heldBytes() {
    return heldBytes.get();
  }

  /** An empty reservation for one request, to be released when its exchange ends. */
  Reservation reserve() {
    return new Reservation();
  }

  private boolean take(long bytes) {
    while (true) {
      long held = heldBytes.get();
      if (bytes > limitBytes - held) {
        return false;
      }
      if (heldBytes.compareAndSet(held, held + bytes)) {
        return true;
      }
    }
  }

  /** Why a request that needs {@code needBytes} more is refused now, and what to do. */
  String shortOfMemory(long needBytes) {
    return "the gateway is short of memory for request bodies right now: requests in flight hold "
        + heldBytes()
        + " of the "
        + limitBytes()
        + " bytes it allows at once (server.max-inflight-body-bytes) and this one needs "
        + needBytes
        + "; retry shortly";
  }

  /** What one request holds of the budget. */
  final class Reservation {
    private long bytes;

    private Reservation() {}

    /**
     * Makes this reservation {@code newBytes}; returns false, and leaves it as it was, when the
     * budget cannot give that much more now.
     */
    synchronized boolean resize(long newBytes) {
      long more = newBytes - bytes;
      if (more > 0 && !take(more)) {
        return false;
      }
      if (more < 0) {
        heldBytes.addAndGet(more);
      }
      bytes = newBytes;
      return true;
    }

    /** Gives everything back; later calls do nothing. */
    synchronized void release() {
      resize(0);
    }

    /** The bytes this reservation holds. */
    synchronized long bytes() {
      return bytes;
    }
  }
}
