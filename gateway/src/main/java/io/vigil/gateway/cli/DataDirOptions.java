package io.vigil.gateway.cli;

import io.vigil.gateway.config.ConfigLoader;
import io.vigil.gateway.config.VigilConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that say which gateway's data an administration command works on. */
final class DataDirOptions {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "The gateway's YAML configuration file.")
  Path configFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The gateway's data directory (overrides the configuration).")
  Path dataDir;

  /** The configuration, with the data directory given on the command line if any. */
  VigilConfig config() {
    VigilConfig config =
        configFile == null ? VigilConfig.defaults() : ConfigLoader.load(configFile);
    return dataDir == null ? config : config.withDataDir(dataDir);
  }
}
