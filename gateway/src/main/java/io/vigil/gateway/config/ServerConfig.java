package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How devices reach the gateway over HTTP, the {@code server} section of the configuration file.
 *
 * @param host the address the HTTP server listens on: a literal IP address or a host name
 * @param port the TCP port, 0 for any free port
 * @param maxBodyBytes the largest request body accepted; larger requests get 413
 * @param maxInflightBodyBytes the memory that request bodies, and the values decoded from them, may
 *     hold at once across all connections; a request that would go over it gets 429 before its body
 *     is read
 * @param deviceIdentityHeader the header that names the calling device, or empty for none; believed
 *     only from {@link DeviceAccess#trustedProxies}
 * @param access TLS or plain HTTP, and how devices authenticate
 * @param limits what one device, connection and request may take, {@code server.limits}
 */
public record ServerConfig(
    String host,
    int port,
    long maxBodyBytes,
    long maxInflightBodyBytes,
    String deviceIdentityHeader,
    DeviceAccess access,
    LimitsConfig limits) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = Units.MIB;
  public static final String DEFAULT_DEVICE_IDENTITY_HEADER = "";

  /** The smallest memory budget for request bodies. */
  public static final long MIN_INFLIGHT_BODY_BYTES = 64 * Units.KIB;

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[\\d.]+");
  private static final Pattern IPV6 = Pattern.compile("[\\p{XDigit}:.]*:[\\p{XDigit}:.]*");
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z\\d]([A-Za-z\\d-]{0,61}[A-Za-z\\d])?"
              + "(\\.[A-Za-z\\d]([A-Za-z\\d-]{0,61}[A-Za-z\\d])?)*\\.?");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~\\dA-Za-z]+");

  static final Setting<String> HOST =
      Setting.text("server.host", "an IP address or a host name", ServerConfig::isHost);
  static final Setting<Integer> PORT = Setting.integer("server.port", 0, 65535);
  static final Setting<Long> MAX_BODY_BYTES =
      Setting.size("server.max-body-bytes", Units.KIB, 256 * Units.MIB);
  static final Setting<Long> MAX_INFLIGHT_BODY_BYTES =
      Setting.sizeOrAuto(
          "server.max-inflight-body-bytes",
          MIN_INFLIGHT_BODY_BYTES,
          Runtime.getRuntime().maxMemory(),
          "the JVM's maximum heap",
          defaultMaxInflightBodyBytes());
  static final Setting<String> DEVICE_IDENTITY_HEADER =
      Setting.text(
          "server.device-identity-header",
          "an HTTP header name such as X-Device-Id, or \"\" for none",
          header -> header.isEmpty() || HEADER_NAME.matcher(header).matches());

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public ServerConfig {
    HOST.check(host);
    PORT.check(port);
    MAX_BODY_BYTES.check(maxBodyBytes);
    MAX_INFLIGHT_BODY_BYTES.check(maxInflightBodyBytes);
    if (maxBodyBytes > maxInflightBodyBytes) {
      throw ConfigErrors.invalid(
          MAX_BODY_BYTES.key()
              + ": expected at most "
              + MAX_INFLIGHT_BODY_BYTES.key()
              + " ("
              + Units.formatSize(maxInflightBodyBytes)
              + "), got '"
              + Units.formatSize(maxBodyBytes)
              + "': a body that large could never be read within the memory that request bodies"
              + " may hold at once; lower it, or raise "
              + MAX_INFLIGHT_BODY_BYTES.key()
              + " or the heap (-Xmx)");
    }
    DEVICE_IDENTITY_HEADER.check(deviceIdentityHeader);
    Objects.requireNonNull(limits, LimitsConfig.SECTION);
    for (Map.Entry<String, Long> e : limits.modelMaxBody().entrySet()) {
      if (e.getValue() > maxInflightBodyBytes) {
        throw ConfigErrors.invalid(
            LimitsConfig.MODEL_MAX_BODY
                + "."
                + e.getKey()
                + ": expected at most "
                + MAX_INFLIGHT_BODY_BYTES.key()
                + " ("
                + Units.formatSize(maxInflightBodyBytes)
                + "), got '"
                + Units.formatSize(e.getValue())
                + "': a body that large could never be read within the memory that request"
                + " bodies may hold at once");
      }
    }

    Objects.requireNonNull(access, "server access");
    if (access.authentication() == DeviceAccess.Authentication.OFF
        && !DeviceAccess.isLoopback(host)) {
      throw ConfigErrors.invalid(
          "server.device-auth: off is allowed only on a loopback server.host; '"
              + host
              + "' reaches other machines, so each device must authenticate (a client"
              + " certificate, a token from `vigil devices add`, or a trusted proxy's header)");
    }
    if (!access.trustedProxies().isEmpty() && deviceIdentityHeader.isEmpty()) {
      throw ConfigErrors.invalid(
          "server.trusted-proxies: set server.device-identity-header too, the header in which"
              + " those proxies name the device");
    }
  }

  /**
   * A {@code server} section with the access of the embedded defaults ({@link
   * DeviceAccess#trial()}) and the default {@code server.limits}.
   */
  public ServerConfig(
      String host,
      int port,
      long maxBodyBytes,
      long maxInflightBodyBytes,
      String deviceIdentityHeader) {
    this(
        host,
        port,
        maxBodyBytes,
        maxInflightBodyBytes,
        deviceIdentityHeader,
        DeviceAccess.trial(),
        LimitsConfig.defaults());
  }

  /** This section with another port. */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host, newPort, maxBodyBytes, maxInflightBodyBytes, deviceIdentityHeader, access, limits);
  }

  /** This section with another access. */
  public ServerConfig withAccess(DeviceAccess newAccess) {
    return new ServerConfig(
        host, port, maxBodyBytes, maxInflightBodyBytes, deviceIdentityHeader, newAccess, limits);
  }

  /** A {@code server} section whose memory budget for request bodies is derived from the heap. */
  public ServerConfig(String host, int port, long maxBodyBytes, String deviceIdentityHeader) {
    this(host, port, maxBodyBytes, defaultMaxInflightBodyBytes(), deviceIdentityHeader);
  }

  /** This section with other {@code server.limits}. */
  public ServerConfig withLimits(LimitsConfig newLimits) {
    return new ServerConfig(
        host, port, maxBodyBytes, maxInflightBodyBytes, deviceIdentityHeader, access, newLimits);
  }

  /**
   * The largest request body accepted for {@code model}: its own limit, or {@code maxBodyBytes}.
   */
  public long maxBodyBytes(String model) {
    return limits.modelMaxBody().getOrDefault(model, maxBodyBytes);
  }

  /** The {@code server} section that an empty file gives. */
  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_DEVICE_IDENTITY_HEADER);
  }

  /**
   * The default of {@code server.max-inflight-body-bytes}, {@code auto}: a quarter of the JVM's
   * maximum heap, in whole MiB, which leaves the rest to the models, the ledger and the runtime.
   */
  public static long defaultMaxInflightBodyBytes() {
    long quarter = Runtime.getRuntime().maxMemory() / 4;
    return Math.max(MIN_INFLIGHT_BODY_BYTES, quarter / Units.MIB * Units.MIB);
  }

  // Syntax only: resolving a name here would make start-up wait on DNS.
  static boolean isHost(String host) {
    if (IPV6.matcher(host).matches()) {
      try {
        // A string of hex digits, colons and dots is parsed as a literal, never looked up.
        InetAddress.getByName(host);
        return true;
      } catch (UnknownHostException e) {
        return false;
      }
    }
    if (DIGITS_AND_DOTS.matcher(host).matches()) {
      return IPV4.matcher(host).matches();
    }
    return HOST_NAME.matcher(host).matches();
  }
}
