package io.vigil.gateway.doctor;

import io.vigil.gateway.config.VigilConfig;
import io.vigil.gateway.ledger.Ledgers;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * What the checks look at: the configuration as loaded, the file it came from, the service's user,
 * the clock and whether the whole ledger is verified.
 */
record Installation(
    Optional<Path> configFile, VigilConfig config, ServiceUser user, Clock clock, boolean full) {

  Path dataDir() {
    return config.dataDir().toAbsolutePath().normalize();
  }

  Path database() {
    return Ledgers.database(dataDir());
  }

  /** Where an edit goes: the configuration file, or the one the package reads. */
  String configName() {
    return configFile.map(Path::toString).orElse(Doctor.INSTALLED_CONFIG.toString());
  }
}
