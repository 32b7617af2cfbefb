package io.vigil.sync.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.canonical.Decimals;
import io.vigil.sync.outbox.Kind;
import io.vigil.trust.IdentityKey;
import io.vigil.trust.dsse.Envelope;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated run of requests with known input values, request ids and device ids goes through the
 * summary builder as the gateway feeds it; none of them may appear in the summary's bytes, plain or
 * signed.
 */
class NoPatientDataTest {

  @TempDir Path dir;

  @Test
  void aSummaryOfARunCarriesNoInputValueRequestIdOrDeviceId() {
    Random random = new Random(13);
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    ModelRef model = new ModelRef("wdbc", "1.0.0");
    List<String> devices = List.of("icu-bed-07", "monitor-3F2A", "ward-b-pump-12");
    List<String> requestIds = new ArrayList<>();
    List<Double> inputs = new ArrayList<>();
    SummaryBuilder builder = new SummaryBuilder(start, "0.1.0-snapshot");
    builder.installed(new InventoryItem(model, "ab".repeat(32), SafetyLevel.NORMAL, true));

    for (int i = 0; i < 500; i++) {
      String requestId = UUID.randomUUID().toString();
      String device = devices.get(i % devices.size());
      double[] row = {
        10 + random.nextDouble() * 15, 0.05 + random.nextDouble() * 0.1, 400 + random.nextDouble()
      };
      requestIds.add(requestId);
      for (double v : row) {
        inputs.add(v);
      }
      // The gateway's path: the model answers; the builder is told status and latency only.
      int status = row[0] > 24.5 ? 422 : 200;
      long latencyMicros = 800 + random.nextInt(4000);
      builder.request(model, status, latencyMicros);
      assertFalse(device.isEmpty());
    }
    FeatureDrift radius =
        new FeatureDrift("mean_radius", psi(inputs), 0.043, 0.071, 0.12, 0.004, 0.0, false);
    builder.windowClosed(
        new DriftWindow(
            model,
            1,
            start,
            start.plus(Duration.ofMinutes(1)),
            500,
            0,
            true,
            List.of(radius),
            new FeatureDrift("score", 0.02, 0.043, 0.05, 0.12, 0.0, 0.0, false),
            0.37,
            0.35,
            0.29,
            0.42,
            0.0,
            0.01,
            SafetyLevel.NORMAL));
    // The outcomes the hospital returned for those requests reach the builder as counts only.
    builder.outcomes(
        new OutcomeCounts(
            model,
            "all",
            new OutcomeCounts.Cells(170, 6, 301, 23),
            new OutcomeCounts.Cells(170, 6, 301, 23),
            500,
            3_600_000));
    Summary summary = builder.close(start.plus(Duration.ofMinutes(1)));

    byte[] plain = MessageJson.summary(summary);
    IdentityKey key = IdentityKey.loadOrCreate(dir, "gw-ward-3");
    byte[] envelope = SignedMessage.sign(key, Kind.SUMMARY, 1, Instant.now(), plain).toJson();
    byte[] signedPayload =
        Envelope.parse(envelope)
            .verify(
                SignedMessage.SUMMARY_TYPE, Map.of(key.publicKey().keyId(), key.publicKey()), 1);

    assertEquals(500, summary.models().get(0).requests());
    assertTrue(
        new String(plain, StandardCharsets.UTF_8)
            .contains("\"since_activation\":{\"fn\":23,\"fp\":6,\"tn\":301,\"tp\":170}"),
        new String(plain, StandardCharsets.UTF_8));
    for (byte[] bytes : List.of(plain, envelope, signedPayload)) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      for (double v : inputs) {
        for (String form : renderings(v)) {
          assertFalse(text.contains(form), "input value " + v + " appears as " + form);
        }
      }
      for (String id : requestIds) {
        assertFalse(text.contains(id), "request id " + id);
        assertFalse(text.contains(id.replace("-", "")), "request id " + id + " without dashes");
      }
      for (String device : devices) {
        assertFalse(
            text.toLowerCase(Locale.ROOT).contains(device.toLowerCase(Locale.ROOT)), device);
      }
    }
    assertTrue(inputs.size() == 1500);
  }

  /** A drift statistic computed from the inputs, as monitoring would: a number, not the inputs. */
  private static double psi(List<Double> inputs) {
    return inputs.stream().mapToDouble(Double::doubleValue).map(Math::log1p).sum() / 1e6;
  }

  /**
   * Every way a JSON writer or Java could render {@code v} as decimal text, to 6 digits or more.
   */
  private static Set<String> renderings(double v) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(Decimals.json(v));
    forms.add(Double.toString(v));
    forms.add(Float.toString((float) v));
    forms.add(Decimals.json((float) v));
    forms.add(new BigDecimal(v).toPlainString());
    forms.add(BigDecimal.valueOf(v).toPlainString());
    forms.add(String.format(Locale.ROOT, "%.6f", v));
    forms.add(String.format(Locale.ROOT, "%e", v));
    // Not 3 or 4 decimals: so few digits meet aggregates by chance (0.071 is a KS distance here).
    return forms;
  }
}
