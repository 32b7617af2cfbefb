package io.vigil.sync.message;

/** A model version as its signed bundle names it. */
public record ModelRef(String model, String version) {
  public ModelRef {
    Tokens.name("model", model);
    Tokens.name("version", version);
  }
}
