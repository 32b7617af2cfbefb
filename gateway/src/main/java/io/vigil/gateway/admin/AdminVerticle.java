package io.vigil.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * Hospital IT's HTTP server, on its own port ({@code admin.port}, loopback by default): {@code
 * /metrics} in the Prometheus text format. The admin API and the dashboard will live here too.
 */
public final class AdminVerticle extends VerticleBase {

  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final String host;
  private final int port;
  private final Supplier<String> metrics;
  private HttpServer server;

  /** A server on {@code host:port} whose {@code /metrics} answers what {@code metrics} writes. */
  public AdminVerticle(String host, int port, Supplier<String> metrics) {
    this.host = host;
    this.port = port;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .get("/metrics")
        .handler(
            ctx -> ctx.response().putHeader("content-type", PROMETHEUS_TEXT).end(metrics.get()));
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** The port it listens on (the configured one, or the one picked for port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
