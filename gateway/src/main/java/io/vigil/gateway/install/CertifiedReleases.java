package io.vigil.gateway.install;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.GatewayException.Code;
import io.vigil.inference.InferenceException;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.ManifestCodec;
import io.vigil.trust.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The manifest of each model's originally certified release, the first this gateway installed, kept
 * in {@code <models>/certified/<model-id>.json} so that the PCCP's floors outlive the store's
 * pruning and restarts. A gateway whose releases came before this record takes the lowest release
 * it holds, and records it.
 */
final class CertifiedReleases {

  /** The folder under the model store; not a digest, so the store's listing passes it by. */
  static final String FOLDER = "certified";

  private final Path dir;

  CertifiedReleases(Path modelStoreRoot) {
    this.dir = modelStoreRoot.resolve(FOLDER);
  }

  /** Where the certified manifest of {@code modelId} is kept. */
  Path file(String modelId) {
    return dir.resolve(modelId + ".json");
  }

  /**
   * The originally certified manifest of {@code modelId}: the recorded one, else the lowest release
   * among {@code installed} (recorded now), else none: the next release is the first.
   *
   * @throws GatewayException {@code DATA_INVALID} when the record cannot be read or is damaged
   */
  Optional<Manifest> of(String modelId, Collection<Bundle> installed) {
    Path file = file(modelId);
    try {
      return Optional.of(ManifestCodec.parse(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      Optional<Manifest> lowest =
          installed.stream()
              .map(Bundle::manifest)
              .filter(m -> m.modelId().equals(modelId))
              .min(Comparator.comparingLong(Manifest::release));
      lowest.ifPresent(this::record);
      return lowest;
    } catch (IOException | InferenceException e) {
      throw new GatewayException(
          Code.DATA_INVALID,
          "the originally certified release of "
              + modelId
              + " cannot be read from "
              + file
              + ": "
              + e.getMessage()
              + "; no update of it installs until the file is mended (remove it to take the"
              + " lowest installed release as the certified one)",
          e);
    }
  }

  /**
   * Records {@code manifest} as its model's originally certified release, on the disk before it
   * returns.
   *
   * @throws GatewayException {@code IO_FAILED} when it cannot be saved
   */
  void record(Manifest manifest) {
    Path file = file(manifest.modelId());
    try {
      DurableFiles.replace(file, ManifestCodec.write(manifest));
    } catch (IOException e) {
      throw new GatewayException(
          Code.IO_FAILED,
          "cannot record the certified release of "
              + manifest.modelId()
              + " in "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
