package io.vigil.gateway.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.gateway.GatewayProcess;
import io.vigil.gateway.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gateway under a journal that the test binds: every record it sends over a whole run
 * carries its priority and Vigil's fields, and none carries the identity key.
 */
class NoSecretInTheJournalTest {

  @TempDir Path work;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void noRecordOfAWholeRunCarriesTheIdentityKeyAndEveryOneHasItsPriority() throws Exception {
    Path data = work.resolve("data");
    String notify = work.resolve("notify.socket").toString();
    String journalSocket = work.resolve("journal.socket").toString();
    List<byte[]> datagrams;
    List<String> output;
    try (DatagramReceiver systemd = DatagramReceiver.bind(notify);
        DatagramReceiver journal = DatagramReceiver.bind(journalSocket);
        GatewayProcess g =
            GatewayProcess.spawn(
                List.of(),
                Map.of(Notifier.NOTIFY_SOCKET, notify, JournalHandler.JOURNAL_STREAM, "8:4242"),
                List.of("-D" + JournalHandler.SOCKET_PROPERTY + "=" + journalSocket),
                work,
                "serve",
                "--data-dir",
                data.toString(),
                "--port",
                "0")) {
      int port =
          ServeUnderSystemdTest.port(
              systemd.await(s -> s.startsWith("READY=1"), Duration.ofSeconds(90), "READY=1"));
      assertEquals(200, TestGateways.inferTestRowOfDemo(http, port));
      // An install from a repository the gateway does not trust: refused, and said so.
      Path empty = Files.createDirectories(work.resolve("not-a-repository"));
      int admin = Integer.parseInt(adminPort(journal));
      int install =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + admin + "/admin/v1/updates/install"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"directory\": \"" + empty + "\", \"repository\": \"nobody\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertTrue(install >= 400, "install answered " + install);
      g.terminate();
      assertEquals(143, g.waitFor(30), "a SIGTERM stop: 128 + 15");
      Thread.sleep(200);
      datagrams = journal.all();
      output = g.output();
    }

    List<Map<String, String>> records =
        datagrams.stream().map(JournalDecoder::decode).collect(Collectors.toList());
    assertTrue(records.size() >= 5, records.toString());
    for (Map<String, String> r : records) {
      assertTrue(r.getOrDefault("PRIORITY", "").matches("[0-7]"), r.toString());
      assertEquals("vigil", r.get("SYSLOG_IDENTIFIER"), r.toString());
      assertTrue(r.containsKey("MESSAGE") && r.containsKey("VIGIL_LOGGER"), r.toString());
    }
    Set<String> events =
        records.stream()
            .map(r -> r.get(LogFields.EVENT))
            .filter(e -> e != null)
            .collect(Collectors.toSet());
    assertTrue(
        events.containsAll(Set.of("ready", "stopping", "stopped", "serving")), events.toString());
    assertTrue(
        records.stream()
            .anyMatch(
                r ->
                    "wdbc-malignancy".equals(r.get(LogFields.MODEL))
                        && r.containsKey(LogFields.MODEL_VERSION)),
        records.toString());
    // Under the journal nothing is left for the console.
    assertFalse(output.stream().anyMatch(l -> l.contains("vigil: ready")), output.toString());

    List<String> secrets = secrets(data);
    List<String> texts = new ArrayList<>();
    datagrams.forEach(d -> texts.add(new String(d, StandardCharsets.ISO_8859_1)));
    datagrams.forEach(d -> texts.add(new String(d, StandardCharsets.UTF_8)));
    texts.addAll(output);
    for (String secret : secrets) {
      for (String text : texts) {
        assertFalse(text.contains(secret), "a log record holds identity key material: " + text);
      }
    }
  }

  /** The ready record says where the admin port listens. */
  private static String adminPort(DatagramReceiver journal) throws InterruptedException {
    String ready =
        journal.await(s -> s.contains("VIGIL_EVENT=ready\n"), Duration.ofSeconds(10), "ready");
    return JournalDecoder.decode(ready.getBytes(StandardCharsets.UTF_8)).get("VIGIL_ADMIN_PORT");
  }

  /** The private key's PEM body, its DER and its 32-byte seed, as hex and base64. */
  private static List<String> secrets(Path data) throws Exception {
    Path key;
    try (Stream<Path> files = Files.walk(data)) {
      key =
          files
              .filter(p -> p.getFileName().toString().equals("identity.key"))
              .findFirst()
              .orElseThrow();
    }
    List<String> body =
        Files.readAllLines(key).stream()
            .filter(l -> !l.startsWith("-----") && !l.isBlank())
            .toList();
    byte[] der = Base64.getMimeDecoder().decode(String.join("", body));
    byte[] seed = Arrays.copyOfRange(der, der.length - 32, der.length);
    List<String> secrets = new ArrayList<>(body);
    for (byte[] b : List.of(der, seed)) {
      secrets.add(HexFormat.of().formatHex(b));
      secrets.add(HexFormat.of().withUpperCase().formatHex(b));
      secrets.add(Base64.getEncoder().withoutPadding().encodeToString(b));
      secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
      secrets.add(new String(b, StandardCharsets.ISO_8859_1));
    }
    return secrets;
  }
}
