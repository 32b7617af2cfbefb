package io.vigil.inference.bundle;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A certified model bundle whose every file matched the digest its manifest gives; only {@link
 * BundleReader} makes one, so holding a {@code Bundle} means the check was done.
 */
public final class Bundle {

  /** The file name of the manifest inside a bundle. */
  public static final String MANIFEST = "manifest.json";

  /** The file name of the model inside a bundle. */
  public static final String MODEL = "model.onnx";

  private final Manifest manifest;
  private final String sha256;
  private final byte[] bytes;
  private final SortedMap<String, byte[]> files;

  Bundle(Manifest manifest, String sha256, byte[] bytes, Map<String, byte[]> files) {
    this.manifest = Objects.requireNonNull(manifest);
    this.sha256 = Objects.requireNonNull(sha256);
    this.bytes = bytes;
    this.files = new TreeMap<>(files);
  }

  /** The checked manifest. */
  public Manifest manifest() {
    return manifest;
  }

  /** The sha256 of the whole bundle file, lower-case hex: the bundle's identity. */
  public String sha256() {
    return sha256;
  }

  /** The bundle file as it was read. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * The verified content of one file of the bundle, if it has one of that name, as a copy: the
   * model's bytes that ONNX Runtime loads come from here.
   */
  public Optional<byte[]> file(String name) {
    return Optional.ofNullable(files.get(name)).map(byte[]::clone);
  }

  /** A short name for messages: model id, version and the first 12 digits of the digest. */
  public String label() {
    return manifest.modelId() + " " + manifest.version() + " (" + sha256.substring(0, 12) + ")";
  }

  @Override
  public String toString() {
    return "Bundle[" + label() + "]";
  }
}
