package io.vigil.gateway.config;

import io.vigil.gateway.GatewayException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which manufacturers the gateway trusts, the {@code trust} section of the configuration file.
 *
 * @param dir the directory of trusted TUF metadata, one folder per trusted repository; a relative
 *     path is taken from the data directory
 * @param site this gateway's site name, matched against the sites a target is meant for; empty when
 *     the hospital has not named one, in which case only targets meant for every site install
 * @param roots a directory of first roots, {@code <repository>.root.json}, trusted at start for
 *     each repository not trusted yet; the empty path when there is none, and a relative path is
 *     taken from the data directory
 */
public record TrustConfig(Path dir, String site, Path roots) {

  public static final Path DEFAULT_DIR = Path.of("trust");
  public static final String DEFAULT_SITE = "";
  public static final Path DEFAULT_ROOTS = Path.of("");

  static final Setting<Path> DIR = Setting.path("trust.dir");
  static final Setting<String> SITE =
      Setting.text(
          "trust.site",
          "a site name of letters, digits, '.', '_' and '-'",
          s -> s.matches("[A-Za-z0-9._-]{0,128}"));
  static final Setting<Path> ROOTS = Setting.pathOrNone("trust.roots");

  /**
   * Checks every value; a bad one throws {@link GatewayException} ({@code CONFIG_INVALID}) naming
   * its key.
   */
  public TrustConfig {
    DIR.check(dir);
    SITE.check(site);
    ROOTS.check(roots);
  }

  /** The section without a directory of first roots. */
  public TrustConfig(Path dir, String site) {
    this(dir, site, DEFAULT_ROOTS);
  }

  /** The directory of first roots, if one is configured. */
  public Optional<Path> rootsDir() {
    return roots.toString().isEmpty() ? Optional.empty() : Optional.of(roots);
  }

  /** The {@code trust} section that an empty file gives. */
  public static TrustConfig defaults() {
    return new TrustConfig(DEFAULT_DIR, DEFAULT_SITE, DEFAULT_ROOTS);
  }
}
