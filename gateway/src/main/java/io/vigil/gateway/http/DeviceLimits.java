package io.vigil.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vigil.gateway.config.LimitsConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each device's allowance: a token bucket for its rate ({@code server.limits.device-rate} and
 * {@code device-burst}) and a count of its requests in flight ({@code device-concurrency}); a
 * request over either is refused with 429 and a Retry-After that says when the device's next
 * request will be let in.
 *
 * <p>Device names come from outside, so the state kept is bounded: a device whose bucket is full
 * and that has nothing in flight is the same as one never seen, and is forgotten whenever the map
 * grows; past {@link #MAX_DEVICES}, devices with nothing in flight are forgotten even with a bucket
 * not yet full, which lets them start afresh rather than let memory grow.
 */
final class DeviceLimits {

  /** Devices remembered at most, beyond those with requests in flight. */
  static final int MAX_DEVICES = 100_000;

  private static final int FIRST_SWEEP = 1024;
  private static final double NANOS_PER_SECOND = 1e9;

  private final LimitsConfig config;
  private final LongSupplier nanoTime;
  private final boolean on;
  private final Map<String, Allowance> devices = new ConcurrentHashMap<>();
  private volatile int sweepAt = FIRST_SWEEP;

  DeviceLimits(LimitsConfig config, LongSupplier nanoTime) {
    this.config = config;
    this.nanoTime = nanoTime;
    this.on = config.deviceRate() > 0 || config.deviceConcurrency() > 0;
  }

  /** Why a request was refused, and in how many whole seconds (at least 1) to send it again. */
  record Refusal(String message, long retryAfterSeconds) {}

  /**
   * The limiter on the infer routes: admits the request of the device that an earlier handler put
   * under {@link OipVerticle#DEVICE} until its exchange ends, or refuses it before its body is
   * read.
   */
  void handle(RoutingContext ctx, BodyReader reader) {
    if (!on) {
      ctx.next();
      return;
    }
    String device = ctx.get(OipVerticle.DEVICE, OipVerticle.ANONYMOUS);
    Optional<Refusal> refusal = admit(device);
    if (refusal.isPresent()) {
      ctx.response()
          .putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refusal.get().retryAfterSeconds()));
      reader.refuse(ctx, 429, refusal.get().message());
      return;
    }
    ctx.addEndHandler(v -> release(device));
    ctx.next();
  }

  /** Takes one request of {@code device}: empty when admitted (then {@link #release} it once). */
  Optional<Refusal> admit(String device) {
    if (!on) {
      return Optional.empty();
    }
    if (devices.size() >= sweepAt) {
      sweep();
    }
    while (true) {
      Allowance a = devices.computeIfAbsent(device, d -> new Allowance(nanoTime.getAsLong()));
      synchronized (a) {
        if (a.forgotten) {
          continue;
        }
        return a.take(device, nanoTime.getAsLong());
      }
    }
  }

  /** Gives back one admitted request of {@code device}. */
  void release(String device) {
    Allowance a = devices.get(device);
    if (a != null) {
      synchronized (a) {
        a.inFlight = Math.max(0, a.inFlight - 1);
      }
    }
  }

  /** The devices remembered now. */
  int remembered() {
    return devices.size();
  }

  private synchronized void sweep() {
    if (devices.size() < sweepAt) {
      return;
    }
    long now = nanoTime.getAsLong();
    forget(now, true);
    if (devices.size() > MAX_DEVICES) {
      forget(now, false);
    }
    sweepAt = Math.max(FIRST_SWEEP, Math.min(2 * devices.size(), MAX_DEVICES));
  }

  private void forget(long now, boolean onlyFull) {
    for (Iterator<Map.Entry<String, Allowance>> it = devices.entrySet().iterator();
        it.hasNext(); ) {
      Allowance a = it.next().getValue();
      synchronized (a) {
        if (a.inFlight == 0 && (!onlyFull || a.full(now))) {
          a.forgotten = true;
          it.remove();
        }
      }
    }
  }

  /** One device's bucket and requests in flight; guarded by its own monitor. */
  private final class Allowance {
    private double tokens;
    private long refilledNanos;
    private int inFlight;
    private boolean forgotten;

    Allowance(long now) {
      this.tokens = config.burst();
      this.refilledNanos = now;
    }

    Optional<Refusal> take(String device, long now) {
      int concurrency = config.deviceConcurrency();
      if (concurrency > 0 && inFlight >= concurrency) {
        return Optional.of(
            new Refusal(
                "device "
                    + device
                    + " already has "
                    + inFlight
                    + " requests in flight, its limit (server.limits.device-concurrency "
                    + concurrency
                    + "); send the next one once an answer has arrived",
                1));
      }
      if (config.deviceRate() > 0) {
        refill(now);
        if (tokens < 1) {
          long retry = (long) Math.ceil((1 - tokens) / config.deviceRate());
          return Optional.of(
              new Refusal(
                  "device "
                      + device
                      + " is over its rate limit of "
                      + config.deviceRate()
                      + " requests per second with bursts of "
                      + config.burst()
                      + " (server.limits.device-rate, device-burst); retry after "
                      + Math.max(1, retry)
                      + " s",
                  Math.max(1, retry)));
        }
        tokens -= 1;
      }
      inFlight++;
      return Optional.empty();
    }

    boolean full(long now) {
      if (config.deviceRate() > 0) {
        refill(now);
        return tokens >= config.burst();
      }
      return true;
    }

    private void refill(long now) {
      long elapsed = now - refilledNanos;
      if (elapsed > 0) {
        tokens =
            Math.min(config.burst(), tokens + elapsed * config.deviceRate() / NANOS_PER_SECOND);
        refilledNanos = now;
      }
    }
  }
}
