package io.vigil.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vigil.gateway.access.Authenticator;
import io.vigil.gateway.access.Endpoint;
import io.vigil.gateway.access.Role;
import io.vigil.gateway.install.InstallReport;
import io.vigil.gateway.install.InstallRequest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hospital IT's HTTP server, on its own port ({@code admin.port}, loopback by default): {@code
 * /metrics} in the Prometheus text format, the admin API under {@code /admin/v1/} ({@code POST
 * /admin/v1/updates/install} installs what a trusted repository in a local directory approves, what
 * {@code vigil install} asks of a running gateway; {@link ModelsApi}, {@link UpdatesApi}, {@link
 * DashboardApi}), and the dashboard's static files at {@code /} and {@code /dashboard/}.
 */
public final class AdminVerticle extends VerticleBase {

  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final String host;
  private final int port;

  /** The worker pool, of one thread, that runs installs: file reads, hashing, ONNX sessions. */
  static final String INSTALL_POOL = "vigil-installer";

  /** Where the dashboard's static files are served: the page, its script, style and uPlot. */
  static final String DASHBOARD = "/dashboard/";

  /** How long a browser may keep the dashboard's files: a new version is picked up soon after. */
  static final long STATIC_MAX_AGE_SECONDS = 300;

  /** The classpath folder of the dashboard's files. */
  static final String DASHBOARD_ROOT = "io/vigil/gateway/dashboard";

  /**
   * The worker pool, of one thread, that reads the ledger's status and events for the dashboard.
   */
  static final String DASHBOARD_POOL = "vigil-dashboard";

  /**
   * The policy of every answer: nothing but this server's own files, no inline script or style, no
   * eval, never inside a frame.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** The largest install request body: a path, a name and at most a root file. */
  static final long MAX_INSTALL_BODY = 1 << 20;

  private final Supplier<String> metrics;
  private final Function<InstallRequest, InstallReport> install;
  private final ModelsApi models;
  private final UpdatesApi updates;
  private final DashboardApi dashboard;
  private final Endpoint operators;
  private HttpServer server;

  /**
   * A server on {@code host:port} whose {@code /metrics} answers what {@code metrics} writes and
   * whose install endpoint runs {@code install}.
   */
  public AdminVerticle(
      String host,
      int port,
      Supplier<String> metrics,
      Function<InstallRequest, InstallReport> install,
      ModelsApi models,
      UpdatesApi updates,
      DashboardApi dashboard,
      Endpoint operators) {
    this.operators = operators;
    this.dashboard = dashboard;
    this.models = models;
    this.updates = updates;
    this.host = host;
    this.port = port;
    this.metrics = metrics;
    this.install = install;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(AdminVerticle::securityHeaders);
    // The dashboard's files carry no data and load without an operator; every datum comes from the
    // API below, which needs one.
    router.get("/").handler(ctx -> ctx.reroute(DASHBOARD + "index.html"));
    router
        .get(DASHBOARD + "*")
        .handler(
            StaticHandler.create(DASHBOARD_ROOT)
                .setIndexPage("index.html")
                .setMaxAgeSeconds(STATIC_MAX_AGE_SECONDS)
                .setDirectoryListing(false)
                .setIncludeHidden(false));
    router.route("/admin/*").handler(this::authenticate);
    router.route("/metrics").handler(this::authenticate);
    router
        .get("/metrics")
        .handler(
            ctx -> {
              if (Operators.authorize(ctx, Role.VIEWER).isPresent()) {
                ctx.response().putHeader("content-type", PROMETHEUS_TEXT).end(metrics.get());
              }
            });
    WorkerExecutor installer = vertx.createSharedWorkerExecutor(INSTALL_POOL, 1);
    models.mount(router, installer);
    updates.mount(router, installer);
    dashboard.mount(vertx, router, vertx.createSharedWorkerExecutor(DASHBOARD_POOL, 1));
    router
        .post("/admin/v1/updates/install")
        .handler(BodyHandler.create().setBodyLimit(MAX_INSTALL_BODY))
        .handler(
            ctx -> {
              JsonObject body = AdminJson.body(ctx).orElse(null);
              if (body == null) {
                return;
              }
              // Approving up front what the manufacturer left to local approval needs an approver;
              // the ledger names the authenticated operator, whatever the body says.
              Optional<String> who =
                  Operators.authorize(
                      ctx, body.containsKey("approved_by") ? Role.APPROVER : Role.OPERATOR);
              if (who.isEmpty()) {
                return;
              }
              body.put("actor", who.get());
              if (body.containsKey("approved_by")) {
                body.put("approved_by", who.get());
              }
              // Even the request's directory is looked at off the event loop: a stat can hang.
              installer
                  .executeBlocking(() -> install.apply(InstallRequests.parse(body)), false)
                  .onSuccess(report -> AdminJson.answer(ctx, 200, new JsonObject(report.toMap())))
                  .onFailure(e -> AdminJson.error(ctx, InstallRequests.status(e), e.getMessage()));
            });
    // HTTP/1.1 only: scrapers and operators' tools speak it, and the JDK's client, whose h2c
    // upgrade of a GET was seen to hang on this port's larger answers, then never tries HTTP/2.
    return vertx
        .createHttpServer(
            operators.applyTo(
                new HttpServerOptions()
                    .setHost(host)
                    .setPort(port)
                    .setHttp2ClearTextEnabled(false)))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> server = s);
  }

  /** Headers on every answer, static files and JSON alike. */
  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }

  /**
   * Every request names its operator, by token or client certificate: 401 with what to present
   * otherwise. The operator is kept in the context for {@link Operators#authorize}.
   */
  private void authenticate(RoutingContext ctx) {
    Authenticator.Outcome outcome = operators.authenticator().authenticate(ctx.request());
    if (outcome.principal().isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"vigil-admin\"");
      AdminJson.error(
          ctx,
          401,
          outcome.isRefused()
              ? outcome.refusal()
              : "the admin API needs an operator: a token from `vigil operators add` (Authorization:"
                  + " Bearer ...), a client certificate registered with `vigil operators add"
                  + " --certificate-cn`, or, on this machine, the local operator's token in"
                  + " <data-dir>/access/local-operator.token");
      return;
    }
    ctx.put(Operators.OPERATOR, outcome.principal().get());
    // What an operator reads stays out of every cache; the dashboard's files may be kept.
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.next();
  }

  /** Applies new TLS options to the admin connections accepted from now on. */
  public Future<Boolean> updateTls(ServerSSLOptions options) {
    io.vertx.core.Promise<Boolean> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> server.updateSSLOptions(options).onComplete(done));
    return done.future();
  }

  /** The port it listens on (the configured one, or the one picked for port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
