package io.vigil.gateway.ledger;

import io.vigil.audit.NoteSigner;
import io.vigil.trust.IdentityKey;

/** Lends the gateway's identity key to the ledger as its checkpoint signer. */
public final class Signers {

  private Signers() {}

  /** A signer that signs with {@code key} under the key's name. */
  public static NoteSigner of(IdentityKey key) {
    byte[] publicKey = key.publicKeyRaw();
    return new NoteSigner() {
      @Override
      public String keyName() {
        return key.name();
      }

      @Override
      public byte[] publicKey() {
        return publicKey.clone();
      }

      @Override
      public byte[] sign(byte[] message) {
        return key.sign(message);
      }
    };
  }
}
