package io.vigil.audit;

import io.vigil.canonical.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One prediction: who asked, which exact model answered, a digest of the input (and the input
 * itself where the site allows it), the outputs, the latency and the safety state at the time.
 *
 * @param requestId the request's id as the device or the gateway set it
 * @param deviceId the identity of the calling device (client certificate subject or token name)
 * @param modelId the model's id from its manifest
 * @param modelVersion the model's version from its manifest
 * @param bundleSha256 the certified bundle's SHA-256, lower-case hex
 * @param inputDigest SHA-256 of the canonical input, lower-case hex; see {@link #digestOf}
 * @param inputs the input tensors, or an empty list where the site does not store inputs
 * @param outputs the output tensors the model returned
 * @param latencyMicros the time from request to answer, in microseconds
 * @param safetyState the model's safety state when it answered (for example {@code normal})
 * @param flags the out-of-range values that the input policy let through, one note each
 */
public record PredictionEntry(
    String requestId,
    String deviceId,
    String modelId,
    String modelVersion,
    String bundleSha256,
    String inputDigest,
    List<Tensor> inputs,
    List<Tensor> outputs,
    long latencyMicros,
    String safetyState,
    List<String> flags)
    implements Entry {

  public PredictionEntry {
    requireText(requestId, "requestId");
    requireText(deviceId, "deviceId");
    requireText(modelId, "modelId");
    requireText(modelVersion, "modelVersion");
    requireSha256(bundleSha256, "bundleSha256");
    requireSha256(inputDigest, "inputDigest");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (latencyMicros < 0) {
      throw new IllegalArgumentException("latencyMicros < 0");
    }
    requireText(safetyState, "safetyState");
    flags = List.copyOf(flags);
  }

  /**
   * SHA-256 (lower-case hex) of the canonical JSON of these input tensors: the digest a prediction
   * records, and the one replay and verify check stored inputs against.
   */
  public static String digestOf(List<Tensor> inputs) {
    return Sha256.hex(EntryCodec.inputsJson(inputs).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the input itself is stored, not only its digest. */
  public boolean inputStored() {
    return !inputs.isEmpty();
  }

  /** This prediction without its input, for sites that must not store inputs. */
  public PredictionEntry withoutInputs() {
    return new PredictionEntry(
        requestId,
        deviceId,
        modelId,
        modelVersion,
        bundleSha256,
        inputDigest,
        List.of(),
        outputs,
        latencyMicros,
        safetyState,
        flags);
  }

  static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty");
    }
  }

  private static void requireSha256(String value, String name) {
    Objects.requireNonNull(value, name);
    if (!isSha256Hex(value)) {
      throw new IllegalArgumentException(name + " is not 64 lower-case hex digits: " + value);
    }
  }

  /** 64 lower-case hex digits; checked for every entry, so without a regex. */
  private static boolean isSha256Hex(String value) {
    if (value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }
}
