package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.config.LimitsConfig;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each device's token bucket and requests in flight, on a clock the test moves. */
class DeviceLimitsTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void aDeviceOverItsBurstWaitsUntilItsBucketHoldsAToken() {
    // given 2 requests per second with bursts of 4
    DeviceLimits limits = limits(LimitsConfig.defaults().withDeviceRate(2, 4));
    for (int i = 0; i < 4; i++) {
      admitted(limits, "pump-1");
    }

    // when a fifth comes at once
    DeviceLimits.Refusal refusal = limits.admit("pump-1").orElseThrow();

    // then it is told to come back in the whole second that refills a token, others are served
    assertEquals(1, refusal.retryAfterSeconds());
    assertTrue(refusal.message().startsWith("device pump-1 is over its rate limit of 2"));
    assertEquals(Optional.empty(), limits.admit("pump-2"));
    nanos.addAndGet(500_000_000L);
    assertEquals(Optional.empty(), limits.admit("pump-1"));
  }

  @Test
  void retryAfterIsTheWholeSecondsUntilTheNextTokenAndAtLeastOne() {
    DeviceLimits limits = limits(LimitsConfig.defaults().withDeviceRate(1, 1));
    admitted(limits, "pump-1");
    nanos.addAndGet(200_000_000L);

    assertEquals(1, limits.admit("pump-1").orElseThrow().retryAfterSeconds());
  }

  @Test
  void aDeviceAtItsConcurrencyIsRefusedUntilOneOfItsRequestsIsAnswered() {
    DeviceLimits limits = limits(LimitsConfig.defaults().withDeviceConcurrency(2));
    admitted(limits, "monitor-1");
    admitted(limits, "monitor-1");

    DeviceLimits.Refusal refusal = limits.admit("monitor-1").orElseThrow();

    assertEquals(1, refusal.retryAfterSeconds());
    assertTrue(refusal.message().contains("already has 2 requests in flight"), refusal.message());
    limits.release("monitor-1");
    assertEquals(Optional.empty(), limits.admit("monitor-1"));
  }

  @Test
  void devicesThatSentOnceAndRefilledAreForgottenSoMemoryStaysBounded() {
    DeviceLimits limits = limits(LimitsConfig.defaults().withDeviceRate(1000, 0));
    // given many names, each used once and answered, as a client making up names would
    for (int i = 0; i < 50_000; i++) {
      admitted(limits, "made-up-" + i);
      limits.release("made-up-" + i);
      nanos.addAndGet(1_000_000L);
    }

    // then only those whose bucket has not refilled yet (one second's worth) are remembered
    assertTrue(limits.remembered() <= 2 * 1000 + 1024, "remembered " + limits.remembered());
  }

  @Test
  void devicesWithRequestsInFlightAreNeverForgotten() {
    DeviceLimits limits = limits(LimitsConfig.defaults().withDeviceConcurrency(1));
    admitted(limits, "busy");
    for (int i = 0; i < 5_000; i++) {
      admitted(limits, "made-up-" + i);
      limits.release("made-up-" + i);
    }

    assertTrue(limits.admit("busy").isPresent(), "busy still has its request in flight");
  }

  private DeviceLimits limits(LimitsConfig config) {
    return new DeviceLimits(config, nanos::get);
  }

  private static void admitted(DeviceLimits limits, String device) {
    assertEquals(Optional.empty(), limits.admit(device), device);
  }
}
