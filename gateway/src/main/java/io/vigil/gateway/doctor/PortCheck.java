package io.vigil.gateway.doctor;

import io.vigil.gateway.admin.AdminUrl;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The OIP and admin ports: free to bind, or held by the gateway running on this data directory (its
 * {@code admin.url} answers, and the OIP port says it is Vigil); held by anything else, the service
 * cannot start.
 */
final class PortCheck implements Check {

  static final String NAME = "ports";

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Override
  public List<Finding> run(Installation in) {
    Optional<URI> admin = AdminUrl.read(in.dataDir()).filter(PortCheck::answers);
    List<Finding> findings = new java.util.ArrayList<>();
    findings.add(
        port(
            in,
            "server",
            in.config().server().host(),
            in.config().server().port(),
            admin.isPresent() ? "/v2" : null));
    if (in.config().grpc().enabled()) {
      // gRPC answers no plain GET; while this installation's gateway runs (its admin port
      // answers), it holds its gRPC port, or it would not have started.
      findings.add(
          port(
              in,
              "grpc",
              in.config().server().host(),
              in.config().grpc().port(),
              admin.isPresent() ? HELD_BY_THE_GATEWAY : null));
    }
    findings.add(
        port(
            in,
            "admin",
            in.config().admin().host(),
            in.config().admin().port(),
            admin.isPresent() ? "/metrics" : null));
    return List.copyOf(findings);
  }

  /** The probe of a port that the running gateway holds without a path to ask (gRPC). */
  private static final String HELD_BY_THE_GATEWAY = "";

  private static Finding port(
      Installation in, String section, String host, int port, String probePath) {
    String key = section + ".port " + port;
    if (port == 0) {
      return Finding.ok(NAME, key + ": any free port, picked at start");
    }
    try (ServerSocket s = new ServerSocket()) {
      // What Vert.x sets, so that a connection in TIME_WAIT does not count as in use.
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
      return Finding.ok(NAME, key + " on " + host + " can be bound");
    } catch (BindException e) {
      if (probePath != null
          && (probePath.equals(HELD_BY_THE_GATEWAY) || isVigil(host, port, probePath))) {
        return Finding.ok(NAME, key + " on " + host + " is in use by the running gateway");
      }
      String why = String.valueOf(e.getMessage());
      if (why.contains("in use")) {
        return Finding.fail(
            NAME,
            key + " on " + host + " is in use by another process",
            "edit "
                + in.configName()
                + ": "
                + section
                + ".port "
                + port
                + " is in use by another process (find it: ss -ltnp 'sport = :"
                + port
                + "')");
      }
      return Finding.fail(
          NAME,
          key + " on " + host + " cannot be bound: " + why,
          "edit "
              + in.configName()
              + ": "
              + section
              + ".host "
              + host
              + " / "
              + section
              + ".port "
              + port);
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      return Finding.fail(
          NAME,
          key + " on " + host + " cannot be bound: " + e.getMessage(),
          "edit " + in.configName() + ": " + section + ".host " + host);
    }
  }

  private static boolean answers(URI admin) {
    return get(admin.resolve("/metrics")).isPresent()
        || get(URI.create(admin.toString().replaceFirst("^http:", "https:")).resolve("/metrics"))
            .isPresent();
  }

  private static boolean isVigil(String host, int port, String path) {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    String authority = (h.contains(":") ? "[" + h + "]" : h) + ":" + port + path;
    // Either port may speak TLS; the probe only asks who answers, and sends no credential.
    return get(URI.create("http://" + authority)).isPresent()
        || get(URI.create("https://" + authority)).isPresent();
  }

  /**
   * The answer of a Vigil server at {@code uri}: the OIP port says its name, and either port, when
   * it asks for a credential, names its realm {@code vigil} or {@code vigil-admin}.
   */
  private static Optional<String> get(URI uri) {
    try {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(TIMEOUT)
              .sslContext(ProbeTls.ANY)
              .build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      boolean named =
          r.statusCode() == 200
              && (uri.getPath().equals("/metrics") || r.body().contains("\"name\":\"vigil\""));
      boolean realm =
          r.statusCode() == 401
              && r.headers()
                  .firstValue("WWW-Authenticate")
                  .filter(v -> v.contains("realm=\"vigil"))
                  .isPresent();
      return named || realm ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
