package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Vigil's whole configuration, read once at start-up from one YAML file by {@link ConfigLoader} and
 * checked on construction.
 *
 * @param dataDir where installed bundles, the audit trail and the gateway's state are kept
 * @param server how devices reach the gateway over HTTP
 * @param inference how requests are queued, batched and run
 * @param audit the ledger every prediction is recorded in
 * @param admin where hospital IT and monitoring reach the gateway
 * @param trust where the trusted TUF metadata lives and which site this gateway is
 * @param monitoring how live traffic is compared with each model's reference profile
 * @param sync the MQTT link to the manufacturer, off unless a broker is configured
 * @param grpc the OIP's gRPC binding, its own port beside the REST one
 * @param installDemoBundle whether the signed demonstration bundle is installed on first start
 * @param shutdownGrace how long requests in flight may take to finish once shutdown begins
 */
public record VigilConfig(
    Path dataDir,
    ServerConfig server,
    InferenceConfig inference,
    AuditConfig audit,
    AdminConfig admin,
    TrustConfig trust,
    MonitoringConfig monitoring,
    SyncConfig sync,
    GrpcConfig grpc,
    boolean installDemoBundle,
    Duration shutdownGrace) {

  public static final Path DEFAULT_DATA_DIR = Path.of("./vigil-data");
  public static final boolean DEFAULT_INSTALL_DEMO_BUNDLE = true;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  static final Setting<Path> DATA_DIR = Setting.path("data-dir");
  static final Setting<Boolean> INSTALL_DEMO_BUNDLE = Setting.bool("install-demo-bundle");
  static final Setting<Duration> SHUTDOWN_GRACE =
      Setting.duration("shutdown-grace", Duration.ofSeconds(1), Duration.ofMinutes(10));
  static final String SERVER = "server";
  static final String INFERENCE = "inference";
  static final String AUDIT = "audit";
  static final String ADMIN = "admin";
  static final String TRUST = "trust";
  static final String MONITORING = "monitoring";
  static final String SYNC = "sync";
  static final String GRPC = "grpc";

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public VigilConfig {
    DATA_DIR.check(dataDir);
    Objects.requireNonNull(server, SERVER);
    Objects.requireNonNull(inference, INFERENCE);
    Objects.requireNonNull(audit, AUDIT);
    Objects.requireNonNull(admin, ADMIN);
    Objects.requireNonNull(trust, TRUST);
    Objects.requireNonNull(monitoring, MONITORING);
    Objects.requireNonNull(sync, SYNC);
    Objects.requireNonNull(grpc, GRPC);
    SHUTDOWN_GRACE.check(shutdownGrace);
    if (sync.enabled() && !gatewayId(sync, audit).matches(SyncConfig.LEVEL)) {
      throw ConfigErrors.invalid(
          "sync.gateway-id",
          "a gateway name of letters, digits, '.', '_' and '-', at most 64 (one MQTT topic"
              + " level); \"\" takes the last part of audit.origin, here '"
              + gatewayId(sync, audit)
              + "', which is not one",
          sync.gatewayId());
    }
  }

  /**
   * This gateway's name on the MQTT topics, in its signed messages and in the manufacturer's
   * registry: {@code sync.gateway-id}, or else the part of the checkpoints' origin after its last
   * {@code /}, so that the default origin {@code vigil/<host name>} gives the host name.
   */
  public String gatewayId() {
    return gatewayId(sync, audit);
  }

  private static String gatewayId(SyncConfig sync, AuditConfig audit) {
    if (!sync.gatewayId().isEmpty()) {
      return sync.gatewayId();
    }
    String origin = audit.originOrHost();
    return origin.substring(origin.lastIndexOf('/') + 1);
  }

  /** A configuration without the MQTT link. */
  public VigilConfig(
      Path dataDir,
      ServerConfig server,
      InferenceConfig inference,
      AuditConfig audit,
      AdminConfig admin,
      TrustConfig trust,
      MonitoringConfig monitoring,
      boolean installDemoBundle,
      Duration shutdownGrace) {
    this(
        dataDir,
        server,
        inference,
        audit,
        admin,
        trust,
        monitoring,
        SyncConfig.defaults(),
        GrpcConfig.defaults(),
        installDemoBundle,
        shutdownGrace);
  }

  /** A configuration with the gRPC binding's defaults. */
  public VigilConfig(
      Path dataDir,
      ServerConfig server,
      InferenceConfig inference,
      AuditConfig audit,
      AdminConfig admin,
      TrustConfig trust,
      MonitoringConfig monitoring,
      SyncConfig sync,
      boolean installDemoBundle,
      Duration shutdownGrace) {
    this(
        dataDir,
        server,
        inference,
        audit,
        admin,
        trust,
        monitoring,
        sync,
        GrpcConfig.defaults(),
        installDemoBundle,
        shutdownGrace);
  }

  /** The configuration that an empty file gives. */
  public static VigilConfig defaults() {
    return new VigilConfig(
        DEFAULT_DATA_DIR,
        ServerConfig.defaults(),
        InferenceConfig.defaults(),
        AuditConfig.defaults(),
        AdminConfig.defaults(),
        TrustConfig.defaults(),
        MonitoringConfig.defaults(),
        SyncConfig.defaults(),
        GrpcConfig.defaults(),
        DEFAULT_INSTALL_DEMO_BUNDLE,
        DEFAULT_SHUTDOWN_GRACE);
  }

  /** This configuration with another data directory (the command line's {@code --data-dir}). */
  public VigilConfig withDataDir(Path newDataDir) {
    return new VigilConfig(
        newDataDir,
        server,
        inference,
        audit,
        admin,
        trust,
        monitoring,
        sync,
        grpc,
        installDemoBundle,
        shutdownGrace);
  }

  /** This configuration with another OIP port (the command line's {@code --port}). */
  public VigilConfig withPort(int newPort) {
    return new VigilConfig(
        dataDir,
        server.withPort(newPort),
        inference,
        audit,
        admin,
        trust,
        monitoring,
        sync,
        grpc,
        installDemoBundle,
        shutdownGrace);
  }

  /** This configuration with another admin port (the command line's {@code --admin-port}). */
  public VigilConfig withAdminPort(int newPort) {
    return new VigilConfig(
        dataDir,
        server,
        inference,
        audit,
        admin.withPort(newPort),
        trust,
        monitoring,
        sync,
        grpc,
        installDemoBundle,
        shutdownGrace);
  }

  /** This configuration with another gRPC port (the command line's {@code --grpc-port}). */
  public VigilConfig withGrpcPort(int newPort) {
    return new VigilConfig(
        dataDir,
        server,
        inference,
        audit,
        admin,
        trust,
        monitoring,
        sync,
        grpc.withPort(newPort),
        installDemoBundle,
        shutdownGrace);
  }

  /**
   * This configuration with each relative file path of its TLS and link settings taken from {@code
   * dir}, the configuration file's folder.
   */
  public VigilConfig resolvedAgainst(Path dir) {
    return new VigilConfig(
        dataDir,
        server.withAccess(server.access().withTls(server.access().tls().resolvedAgainst(dir))),
        inference,
        audit,
        new AdminConfig(admin.host(), admin.port(), admin.tls().resolvedAgainst(dir)),
        trust,
        monitoring,
        sync.resolvedAgainst(dir),
        grpc,
        installDemoBundle,
        shutdownGrace);
  }

  /** The directory of trusted TUF metadata: {@code trust.dir}, relative to the data directory. */
  public Path trustDir() {
    return dataDir.resolve(trust.dir());
  }

  /** The directory of first roots ({@code trust.roots}), relative to the data directory. */
  public java.util.Optional<Path> trustRoots() {
    return trust.rootsDir().map(dataDir::resolve);
  }

  /** This configuration with monitoring on or off (benchmarks measure both). */
  public VigilConfig withMonitoring(boolean on) {
    return new VigilConfig(
        dataDir,
        server,
        inference,
        audit,
        admin,
        trust,
        monitoring.withEnabled(on),
        sync,
        grpc,
        installDemoBundle,
        shutdownGrace);
  }

  /** This configuration with another {@code sync} section. */
  public VigilConfig withSync(SyncConfig newSync) {
    return new VigilConfig(
        dataDir,
        server,
        inference,
        audit,
        admin,
        trust,
        monitoring,
        newSync,
        installDemoBundle,
        shutdownGrace);
  }
}
