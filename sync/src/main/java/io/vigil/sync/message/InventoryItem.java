package io.vigil.sync.message;

/**
 * A model version installed on the gateway, its bundle's SHA-256, its safety level now, and whether
 * it is its model's active version (the one answering requests that name no version).
 */
public record InventoryItem(
    ModelRef model, String bundleSha256, SafetyLevel level, boolean active) {
  public InventoryItem {
    Tokens.sha256("bundle_sha256", bundleSha256);
  }
}
