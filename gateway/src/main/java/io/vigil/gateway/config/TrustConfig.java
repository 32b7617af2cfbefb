package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import java.nio.file.Path;

/**
 * Which manufacturers the gateway trusts, the {@code trust} section of the configuration file.
 *
 * @param dir the directory of trusted TUF metadata, one folder per trusted repository; a relative
 *     path is taken from the data directory
 * @param site this gateway's site name, matched against the sites a target is meant for; empty when
 *     the hospital has not named one, in which case only targets meant for every site install
 */
public record TrustConfig(Path dir, String site) {

  public static final Path DEFAULT_DIR = Path.of("trust");
  public static final String DEFAULT_SITE = "";

  static final Setting<Path> DIR = Setting.path("trust.dir");
  static final Setting<String> SITE =
      Setting.text(
          "trust.site",
          "a site name of letters, digits, '.', '_' and '-'",
          s -> s.matches("[A-Za-z0-9._-]{0,128}"));

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public TrustConfig {
    DIR.check(dir);
    SITE.check(site);
  }

  /** The {@code trust} section that an empty file gives. */
  public static TrustConfig defaults() {
    return new TrustConfig(DEFAULT_DIR, DEFAULT_SITE);
  }
}
