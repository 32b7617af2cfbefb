package io.vigil.gateway.config;

import io.vigil.audit.Durability;
import io.vigil.gateway.GatewayException;
import io.vigil.inference.validation.RangePolicy;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads Vigil's YAML configuration file into a checked {@link VigilConfig}, the one way to build it
 * from text.
 */
public final class ConfigLoader {

  // A configuration file is a page of text; anything far larger is the wrong file.
  private static final int MAX_CODE_POINTS = 1 << 20;

  /** The deepest nesting of mappings and lists read; Vigil's own keys go three levels deep. */
  static final int MAX_DEPTH = 32;

  private ConfigLoader() {}

  /**
   * Reads and checks the file, throwing {@link GatewayException} ({@code CONFIG_INVALID}) that
   * names the file and what is wrong.
   */
  public static VigilConfig load(Path file) {
    Objects.requireNonNull(file, "file");
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw cannotRead(file, "it does not exist");
    } catch (AccessDeniedException e) {
      throw cannotRead(file, "permission denied");
    } catch (CharacterCodingException e) {
      throw cannotRead(file, "it is not UTF-8 text");
    } catch (IOException e) {
      throw cannotRead(
          file, Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
    }
    VigilConfig config = parse(yaml, file.toString());
    Path dir = file.toAbsolutePath().getParent();
    return config.resolvedAgainst(dir);
  }

  /**
   * Reads and checks YAML text; {@code sourceName} starts every error message, usually the file
   * name.
   */
  public static VigilConfig parse(String yaml, String sourceName) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(sourceName, "sourceName");
    Object document = loadYaml(yaml, sourceName);
    try {
      return read(document);
    } catch (GatewayException e) {
      throw ConfigErrors.in(sourceName, e);
    }
  }

  private static Object loadYaml(String yaml, String sourceName) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(sourceName)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setCodePointLimit(MAX_CODE_POINTS)
            .build();
    try {
      checkDepth(settings, yaml, sourceName);
      return new Load(settings).loadFromString(yaml);
    } catch (MarkedYamlEngineException e) {
      String context =
          e.getContext() == null || e.getContext().isBlank() ? "" : e.getContext() + ", ";
      throw ConfigErrors.invalid(
          sourceName + ": " + position(e) + "invalid YAML: " + context + e.getProblem());
    } catch (YamlEngineException e) {
      throw ConfigErrors.invalid(sourceName + ": invalid YAML: " + e.getMessage());
    }
  }

  /**
   * Refuses nesting deeper than {@link #MAX_DEPTH} from the parser's events, before SnakeYAML
   * composes the document: it composes nested nodes recursively, and a few kilobytes of {@code [}
   * overflowed the stack.
   */
  private static void checkDepth(LoadSettings settings, String yaml, String sourceName) {
    int depth = 0;
    for (Event event : new Parse(settings).parseString(yaml)) {
      if (event instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
        throw ConfigErrors.invalid(
            sourceName
                + ": "
                + event.getStartMark().map(ConfigLoader::lineAndColumn).orElse("")
                + "invalid YAML: mappings and lists nested deeper than "
                + MAX_DEPTH
                + " levels");
      }
      if (event instanceof CollectionEndEvent) {
        depth--;
      }
    }
  }

  private static String position(MarkedYamlEngineException e) {
    return e.getProblemMark().or(e::getContextMark).map(ConfigLoader::lineAndColumn).orElse("");
  }

  private static String lineAndColumn(Mark mark) {
    // Marks count from zero; editors count from one.
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
  }

  private static VigilConfig read(Object document) {
    YamlSection top = YamlSection.root(document);
    Path dataDir = top.read(VigilConfig.DATA_DIR, VigilConfig.DEFAULT_DATA_DIR);
    boolean installDemoBundle =
        top.read(VigilConfig.INSTALL_DEMO_BUNDLE, VigilConfig.DEFAULT_INSTALL_DEMO_BUNDLE);
    Duration shutdownGrace =
        top.read(VigilConfig.SHUTDOWN_GRACE, VigilConfig.DEFAULT_SHUTDOWN_GRACE);
    ServerConfig server = readServer(top.section(VigilConfig.SERVER));
    InferenceConfig inference = readInference(top.section(VigilConfig.INFERENCE));
    AuditConfig audit = readAudit(top.section(VigilConfig.AUDIT));
    AdminConfig admin = readAdmin(top.section(VigilConfig.ADMIN));
    TrustConfig trust = readTrust(top.section(VigilConfig.TRUST));
    MonitoringConfig monitoring = readMonitoring(top.section(VigilConfig.MONITORING));
    SyncConfig sync = readSync(top.section(VigilConfig.SYNC));
    GrpcConfig grpc = readGrpc(top.section(VigilConfig.GRPC));
    top.rejectUnknownKeys();
    return new VigilConfig(
        dataDir,
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

  private static GrpcConfig readGrpc(YamlSection in) {
    boolean enabled = in.read(GrpcConfig.ENABLED, GrpcConfig.DEFAULT_ENABLED);
    int port = in.read(GrpcConfig.PORT, GrpcConfig.DEFAULT_PORT);
    in.rejectUnknownKeys();
    return new GrpcConfig(enabled, port);
  }

  private static SyncConfig readSync(YamlSection in) {
    SyncConfig d = SyncConfig.defaults();
    String broker = in.read(SyncConfig.BROKER, d.broker());
    boolean plaintext = in.read(SyncConfig.ALLOW_PLAINTEXT, d.allowPlaintext());
    String fleet = in.read(SyncConfig.FLEET, d.fleet());
    String gatewayId = in.read(SyncConfig.GATEWAY_ID, d.gatewayId());
    Path ca = in.read(SyncConfig.CA_FILE, d.caFile());
    Path cert = in.read(SyncConfig.CERT_FILE, d.certFile());
    Path key = in.read(SyncConfig.KEY_FILE, d.keyFile());
    String repository = in.read(SyncConfig.REPOSITORY, d.repository());
    Duration interval = in.read(SyncConfig.SUMMARY_INTERVAL, d.summaryInterval());
    Duration expiry = in.read(SyncConfig.SESSION_EXPIRY, d.sessionExpiry());
    Duration reconnect = in.read(SyncConfig.RECONNECT_MAX_DELAY, d.reconnectMaxDelay());
    long maxBytes = in.read(SyncConfig.OUTBOX_MAX_BYTES, d.outboxMaxBytes());
    int window = in.read(SyncConfig.PUBLISH_WINDOW, d.publishWindow());
    in.rejectUnknownKeys();
    return new SyncConfig(
        broker,
        plaintext,
        fleet,
        gatewayId,
        ca,
        cert,
        key,
        repository,
        interval,
        expiry,
        reconnect,
        maxBytes,
        window);
  }

  private static ServerConfig readServer(YamlSection in) {
    String host = in.read(ServerConfig.HOST, ServerConfig.DEFAULT_HOST);
    int port = in.read(ServerConfig.PORT, ServerConfig.DEFAULT_PORT);
    long maxBodyBytes = in.read(ServerConfig.MAX_BODY_BYTES, ServerConfig.DEFAULT_MAX_BODY_BYTES);
    long maxInflightBodyBytes =
        in.read(ServerConfig.MAX_INFLIGHT_BODY_BYTES, ServerConfig.defaultMaxInflightBodyBytes());
    String deviceIdentityHeader =
        in.read(ServerConfig.DEVICE_IDENTITY_HEADER, ServerConfig.DEFAULT_DEVICE_IDENTITY_HEADER);
    TlsConfig tls = TlsConfig.read(in.section("server.tls"), "server");
    // On loopback nothing crosses a network: plain HTTP and anonymous devices stay the default
    // there, as the embedded defaults have them. A server that other machines reach speaks TLS and
    // authenticates every device unless the file says otherwise, key by key.
    boolean loopback = DeviceAccess.isLoopback(host);
    boolean plaintext = in.read(DeviceAccess.PLAINTEXT, loopback && !tls.enabled());
    DeviceAccess.Authentication auth =
        in.read(
            DeviceAccess.DEVICE_AUTH,
            loopback ? DeviceAccess.Authentication.OFF : DeviceAccess.Authentication.REQUIRED);
    List<String> proxies = in.readList(DeviceAccess.TRUSTED_PROXY, List.of());
    LimitsConfig limits = readLimits(in.section(LimitsConfig.SECTION));
    in.rejectUnknownKeys();
    return new ServerConfig(
        host,
        port,
        maxBodyBytes,
        maxInflightBodyBytes,
        deviceIdentityHeader,
        new DeviceAccess(tls, plaintext, auth, proxies),
        limits);
  }

  private static LimitsConfig readLimits(YamlSection in) {
    LimitsConfig d = LimitsConfig.defaults();
    int rate = in.read(LimitsConfig.DEVICE_RATE, d.deviceRate());
    int burst = in.read(LimitsConfig.DEVICE_BURST, d.deviceBurst());
    int concurrency = in.read(LimitsConfig.DEVICE_CONCURRENCY, d.deviceConcurrency());
    int connections = in.read(LimitsConfig.MAX_CONNECTIONS, d.maxConnections());
    Duration idle = in.read(LimitsConfig.IDLE_TIMEOUT, d.idleTimeout());
    Duration request = in.read(LimitsConfig.REQUEST_TIMEOUT, d.requestTimeout());
    long headerBytes = in.read(LimitsConfig.MAX_HEADER_BYTES, d.maxHeaderBytes());
    Map<String, Long> modelMaxBody = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e :
        in.section(LimitsConfig.MODEL_MAX_BODY).entries().entrySet()) {
      modelMaxBody.put(e.getKey(), LimitsConfig.modelBody(e.getKey()).read(e.getValue()));
    }
    in.rejectUnknownKeys();
    return new LimitsConfig(
        rate, burst, concurrency, connections, idle, request, headerBytes, modelMaxBody);
  }

  private static AdminConfig readAdmin(YamlSection in) {
    String host = in.read(AdminConfig.HOST, AdminConfig.DEFAULT_HOST);
    int port = in.read(AdminConfig.PORT, AdminConfig.DEFAULT_PORT);
    TlsConfig tls = TlsConfig.read(in.section("admin.tls"), "admin");
    in.rejectUnknownKeys();
    return new AdminConfig(host, port, tls);
  }

  private static MonitoringConfig readMonitoring(YamlSection in) {
    boolean enabled = in.read(MonitoringConfig.ENABLED, MonitoringConfig.DEFAULT_ENABLED);
    int rows = in.read(MonitoringConfig.WINDOW_ROWS, 0);
    int minRows = in.read(MonitoringConfig.MIN_WINDOW_ROWS, 0);
    Duration age =
        in.read(MonitoringConfig.WINDOW_MAX_AGE, MonitoringConfig.DEFAULT_WINDOW_MAX_AGE);
    in.rejectUnknownKeys();
    return new MonitoringConfig(enabled, rows, minRows, age);
  }

  private static TrustConfig readTrust(YamlSection in) {
    Path dir = in.read(TrustConfig.DIR, TrustConfig.DEFAULT_DIR);
    String site = in.read(TrustConfig.SITE, TrustConfig.DEFAULT_SITE);
    Path roots = in.read(TrustConfig.ROOTS, TrustConfig.DEFAULT_ROOTS);
    in.rejectUnknownKeys();
    return new TrustConfig(dir, site, roots);
  }

  private static InferenceConfig readInference(YamlSection in) {
    int maxBatchSize =
        in.read(InferenceConfig.MAX_BATCH_SIZE, InferenceConfig.DEFAULT_MAX_BATCH_SIZE);
    Duration maxQueueDelay =
        in.read(InferenceConfig.MAX_QUEUE_DELAY, InferenceConfig.DEFAULT_MAX_QUEUE_DELAY);
    int queueCapacity =
        in.read(InferenceConfig.QUEUE_CAPACITY, InferenceConfig.DEFAULT_QUEUE_CAPACITY);
    int runners = in.read(InferenceConfig.RUNNERS, InferenceConfig.DEFAULT_RUNNERS);
    int intraOpThreads =
        in.read(InferenceConfig.INTRA_OP_THREADS, InferenceConfig.DEFAULT_INTRA_OP_THREADS);
    RangePolicy outOfRange =
        in.read(InferenceConfig.OUT_OF_RANGE, InferenceConfig.DEFAULT_OUT_OF_RANGE);
    int maxRowsPerRequest =
        in.read(InferenceConfig.MAX_ROWS_PER_REQUEST, InferenceConfig.DEFAULT_MAX_ROWS_PER_REQUEST);
    Duration inlineBelow =
        in.read(InferenceConfig.INLINE_BELOW, InferenceConfig.DEFAULT_INLINE_BELOW);
    in.rejectUnknownKeys();
    return new InferenceConfig(
        maxBatchSize,
        maxQueueDelay,
        queueCapacity,
        runners,
        intraOpThreads,
        outOfRange,
        maxRowsPerRequest,
        inlineBelow);
  }

  private static AuditConfig readAudit(YamlSection in) {
    Durability durability = in.read(AuditConfig.DURABILITY, AuditConfig.DEFAULT_DURABILITY);
    boolean storeInputs = in.read(AuditConfig.STORE_INPUTS, AuditConfig.DEFAULT_STORE_INPUTS);
    int checkpointEvery =
        in.read(AuditConfig.CHECKPOINT_EVERY, AuditConfig.DEFAULT_CHECKPOINT_EVERY);
    Duration checkpointInterval =
        in.read(AuditConfig.CHECKPOINT_INTERVAL, AuditConfig.DEFAULT_CHECKPOINT_INTERVAL);
    String origin = in.read(AuditConfig.ORIGIN_LINE, AuditConfig.DEFAULT_ORIGIN);
    int keepEntries = in.read(AuditConfig.KEEP_ENTRIES, AuditConfig.DEFAULT_KEEP_ENTRIES);
    int segmentEntries = in.read(AuditConfig.SEGMENT_ENTRIES, AuditConfig.DEFAULT_SEGMENT_ENTRIES);
    Duration archiveInterval =
        in.read(AuditConfig.ARCHIVE_INTERVAL, AuditConfig.DEFAULT_ARCHIVE_INTERVAL);
    long minFreeSpace = in.read(AuditConfig.MIN_FREE_SPACE, AuditConfig.DEFAULT_MIN_FREE_SPACE);
    in.rejectUnknownKeys();
    return new AuditConfig(
        durability,
        storeInputs,
        checkpointEvery,
        checkpointInterval,
        origin,
        keepEntries,
        segmentEntries,
        archiveInterval,
        minFreeSpace);
  }

  private static GatewayException cannotRead(Path file, String reason) {
    return ConfigErrors.invalid(file + ": cannot read the configuration file: " + reason);
  }
}
