package io.vigil.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * How devices prove who they are, the access part of the {@code server} section: TLS, or plain HTTP
 * only when {@code server.plaintext} says so; whether every request must name its device by a
 * client certificate or a bearer token ({@code server.device-auth}); and the reverse proxies whose
 * {@code server.device-identity-header} is believed ({@code server.trusted-proxies}).
 *
 * @param tls the server's TLS files
 * @param plaintext whether plain HTTP is served (never together with TLS)
 * @param authentication whether requests must name an authenticated device
 * @param trustedProxies the IP addresses whose identity header names the device
 */
public record DeviceAccess(
    TlsConfig tls, boolean plaintext, Authentication authentication, List<String> trustedProxies) {

  /** Whether devices must authenticate. */
  public enum Authentication {
    /** Every request names its device by a certificate, a token or a trusted proxy's header. */
    REQUIRED,
    /** Requests without a credential are served as {@code anonymous}; loopback servers only. */
    OFF
  }

  static final Setting<Boolean> PLAINTEXT = Setting.bool("server.plaintext");
  static final Setting<Authentication> DEVICE_AUTH =
      Setting.choice("server.device-auth", Authentication.class);
  static final Setting<String> TRUSTED_PROXY =
      Setting.text("server.trusted-proxies", "literal IP addresses", DeviceAccess::isAddress);

  /**
   * Checks that the server speaks TLS or, explicitly, plain HTTP, not both; a bad combination
   * throws {@code CONFIG_INVALID} naming the keys.
   */
  public DeviceAccess {
    Objects.requireNonNull(tls, "server.tls");
    Objects.requireNonNull(authentication, DEVICE_AUTH.key());
    trustedProxies = List.copyOf(trustedProxies);
    trustedProxies.forEach(TRUSTED_PROXY::check);
    if (tls.enabled() && plaintext) {
      throw ConfigErrors.invalid(
          "server.plaintext: true together with server.tls.cert-file: choose one; devices reach"
              + " the gateway over TLS or, explicitly, over plain HTTP");
    }
    if (!tls.enabled() && !plaintext) {
      throw ConfigErrors.invalid(
          "server: devices need TLS (set server.tls.cert-file and server.tls.key-file) or,"
              + " explicitly, plain HTTP (server.plaintext: true, for a server on loopback or"
              + " behind a TLS-terminating proxy)");
    }
  }

  /**
   * The access of the embedded defaults: a trial on this machine, plain HTTP, devices anonymous. A
   * configuration file has to say so for itself ({@code server.plaintext: true}, {@code
   * server.device-auth: off}); what it leaves out is TLS with authenticated devices.
   */
  public static DeviceAccess trial() {
    return new DeviceAccess(TlsConfig.none("server"), true, Authentication.OFF, List.of());
  }

  /** This access with other TLS files. */
  public DeviceAccess withTls(TlsConfig newTls) {
    return new DeviceAccess(newTls, plaintext, authentication, trustedProxies);
  }

  static boolean isAddress(String text) {
    if (!text.matches("[\\p{XDigit}:.]+") || !(text.contains(".") || text.contains(":"))) {
      return false;
    }
    try {
      // A literal: hex digits, colons and dots are parsed, never looked up.
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether {@code host} (a literal or a name) is this machine only. */
  static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    if (!isAddress(host)) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
