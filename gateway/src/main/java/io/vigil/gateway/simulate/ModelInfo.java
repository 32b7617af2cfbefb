package io.vigil.gateway.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway says about the model ({@code GET /v2/models/{model}}): the input that takes the
 * test split's features, the output and threshold that make a decision, and the bundle.
 *
 * @param threshold the operating threshold; NaN when the gateway names none
 */
record ModelInfo(
    String name,
    String version,
    String bundleSha256,
    String input,
    String decisionOutput,
    double threshold) {

  static final String DEFAULT_DECISION_OUTPUT = "probability";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  boolean hasThreshold() {
    return !Double.isNaN(threshold);
  }

  /** The model's metadata; a gateway that does not answer, or has no such model, is a failure. */
  static ModelInfo fetch(
      HttpClient client, URI base, String model, List<String> features, DeviceCredentials access) {
    URI uri = base.resolve("v2/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response =
          client.send(
              access.apply(HttpRequest.newBuilder(uri)).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new GatewayException(
          Code.UNAVAILABLE, "cannot reach the gateway at " + base + ": " + reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayException(Code.UNAVAILABLE, "interrupted while asking " + uri);
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() == 404) {
      throw new GatewayException(
          Code.NOT_FOUND,
          "the gateway at "
              + base
              + " has no model '"
              + model
              + "': "
              + body.path("error").asText());
    }
    if (response.statusCode() != 200) {
      throw new GatewayException(
          Code.UNAVAILABLE,
          "GET " + uri + " answered " + response.statusCode() + ": " + response.body());
    }
    JsonNode parameters = body.path("parameters");
    Map<String, List<String>> byInput = new LinkedHashMap<>();
    for (JsonNode f : parameters.path("features")) {
      byInput
          .computeIfAbsent(f.path("input").asText(), k -> new ArrayList<>())
          .add(f.path("name").asText());
    }
    String input =
        byInput.entrySet().stream()
            .filter(e -> e.getValue().equals(features))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(
                () ->
                    new GatewayException(
                        Code.DATA_INVALID,
                        "model '"
                            + model
                            + "' at "
                            + base
                            + " does not take the WDBC data set's "
                            + features.size()
                            + " features in their order (its inputs' features: "
                            + byInput
                            + "); vigil simulate sends rows of WDBC's test split"));
    JsonNode threshold = parameters.path("decision_threshold");
    return new ModelInfo(
        body.path("name").asText(model),
        parameters.path("version").asText("-"),
        parameters.path("bundle_sha256").asText("-"),
        input,
        parameters.path("decision_output").asText(DEFAULT_DECISION_OUTPUT),
        threshold.isNumber() ? threshold.asDouble() : Double.NaN);
  }

  /** Why a request got no answer, in words. */
  static String reason(Throwable e) {
    if (e instanceof ConnectException) {
      return "connection refused (is vigil serve running, and is this its host and port?)";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body.isEmpty() ? "{}" : body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
