package io.vigil.sync.message;

/** A model version installed on the gateway, its bundle's SHA-256 and its safety level now. */
public record InventoryItem(ModelRef model, String bundleSha256, SafetyLevel level) {
  public InventoryItem {
    Tokens.sha256("bundle_sha256", bundleSha256);
  }
}
