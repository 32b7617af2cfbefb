package io.vigil.gateway.sync;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.config.SyncConfig;
import io.vigil.gateway.config.VigilConfig;
import io.vigil.sync.link.LinkOptions;
import io.vigil.sync.link.MqttLink;
import io.vigil.sync.testing.EmbeddedBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No patient data leaves the box: a running gateway with its link to a real broker answers requests
 * whose every input value, request id and device identity is unique and known; a subscriber to
 * every topic of the broker ({@code #}) keeps each byte that the gateway publishes (status,
 * summaries, events), and none of those values appears in any of them, neither in the raw messages
 * nor in the signed payloads decoded.
 */
class NoPatientDataLeavesTest {

  private static final String DEVICE_HEADER = "X-Device-Id";
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");
  private static final double[] MALIGNANT = {
    17.99, 10.38, 122.8, 1001, 0.1184, 0.2776, 0.3001, 0.1471, 0.2419, 0.07871, 1.095, 0.9053,
    8.589, 153.4, 0.006399, 0.04904, 0.05373, 0.01587, 0.03003, 0.006193, 25.38, 17.33, 184.6, 2019,
    0.1622, 0.6656, 0.7119, 0.2654, 0.4601, 0.1189
  };

  @TempDir Path dataDir;
  @TempDir Path brokerDir;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ConcurrentLinkedQueue<byte[]> published = new ConcurrentLinkedQueue<>();
  private EmbeddedBroker broker;
  private Gateway gateway;
  private MqttLink everything;

  @BeforeEach
  void broker() {
    broker = EmbeddedBroker.start(brokerDir);
  }

  @AfterEach
  void stop() throws Exception {
    if (everything != null) {
      everything.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (gateway != null) {
      gateway.close();
    }
    broker.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void noInputValueRequestIdOrDeviceIdentityReachesTheBroker() throws Exception {
    gateway = Gateway.start(config());
    gateway
        .sync()
        .orElseThrow()
        .connected()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    subscribeToEverything();

    Random random = new Random(20261202);
    Set<String> values = new HashSet<>();
    List<String> requestIds = new ArrayList<>();
    List<String> devices = new ArrayList<>();
    int answered = 0;
    for (int i = 0; i < 200; i++) {
      String requestId = "req-" + UUID.randomUUID();
      String device = "bed-" + UUID.randomUUID().toString().substring(0, 13);
      StringBuilder data = new StringBuilder();
      for (int f = 0; f < MALIGNANT.length; f++) {
        // Seven significant digits, unique to this request: a value a person could recognise.
        float v = (float) (MALIGNANT[f] * (1 + 0.05 * random.nextDouble()));
        String text = String.format(Locale.ROOT, "%.7g", v).trim();
        values.add(text);
        values.add(Float.toString(Float.parseFloat(text)));
        values.add(Double.toString(Float.parseFloat(text)));
        data.append(f == 0 ? "" : ", ").append(text);
      }
      requestIds.add(requestId);
      devices.add(device);
      int status = infer(requestId, device, data.toString());
      if (status == 200) {
        answered++;
      }
    }
    gateway
        .sync()
        .orElseThrow()
        .summaryNow()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    List<String> bodies = awaitSummaryAndEvent();

    int ok = answered;
    assertTrue(answered >= 50, "the model answered " + answered + " of 200 requests");
    // The scan sees what is there: the decoded summary counts the answers, as a number.
    Set<String> numbers = new HashSet<>();
    bodies.forEach(b -> NUMBER.matcher(b).results().forEach(r -> numbers.add(r.group())));
    assertTrue(
        numbers.contains(Integer.toString(ok)),
        () ->
            "no count "
                + ok
                + " in "
                + gateway.meters().find("vigil.inference.requests").counters().stream()
                    .map(c -> c.getId() + "=" + c.count())
                    .toList());
    for (String body : bodies) {
      for (String id : requestIds) {
        assertFalse(body.contains(id), () -> "request id " + id + " left the box in " + body);
      }
      for (String device : devices) {
        assertFalse(body.contains(device), () -> "device " + device + " left the box in " + body);
      }
      Matcher m = NUMBER.matcher(body);
      while (m.find()) {
        String number = m.group();
        assertFalse(values.contains(number), () -> "input value " + number + " left in " + body);
      }
    }
  }

  /** Every message and, for a signed one, its payload decoded; after a summary and an event. */
  private List<String> awaitSummaryAndEvent() throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      List<String> bodies = new ArrayList<>();
      boolean summary = false;
      boolean event = false;
      for (byte[] raw : published) {
        String text = new String(raw, UTF_8);
        bodies.add(text);
        if (text.startsWith("{") && text.contains("\"payload\"")) {
          String payload =
              new String(
                  Base64.getDecoder().decode(new JsonObject(text).getString("payload")), UTF_8);
          bodies.add(payload);
          summary |= payload.contains("\"inventory\"");
          event |= payload.contains("\"kind\":\"suspended\"") || payload.contains("\"alert");
        }
      }
      if (summary && event) {
        return bodies;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no summary and safety event within 30 s: " + published.size() + " message(s)");
  }

  private void subscribeToEverything() throws Exception {
    everything =
        MqttLink.create(
            vertx, LinkOptions.plain(broker.tcpUri(), "everything", "observers/everything/status"));
    everything.subscribe(
        "#",
        m -> {
          if (!m.topic().startsWith("observers/")) {
            published.add(m.payload());
          }
        });
    everything.start();
    everything.connected().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int infer(String requestId, String device, String data) throws Exception {
    String body =
        "{\"id\": \""
            + requestId
            + "\", \"inputs\": [{\"name\": \"features\", \"datatype\": \"FP32\", \"shape\": [1,"
            + " 30], \"data\": ["
            + data
            + "]}]}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + gateway.port() + "/v2/models/wdbc-malignancy/infer"))
                .header(DEVICE_HEADER, device)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200) {
      assertEquals(requestId, new JsonObject(r.body()).getString("id"), r.body());
    }
    return r.statusCode();
  }

  private VigilConfig config() {
    // The devices sit behind a proxy on this machine that names each, so that the ledger holds
    // every device identity that must not leave.
    VigilConfig withDevices =
        TestGateways.withTrustedProxyHeader(TestGateways.config(dataDir), DEVICE_HEADER);
    return OnBroker.config(
        withDevices,
        broker.tcpUri(),
        OnBroker.FLEET,
        "gw-phi",
        TestGateways.SMALL_WINDOWS,
        SyncConfig.defaults().outboxMaxBytes());
  }
}
