/**
 * The exact bytes that Vigil hashes and signs, in one place: SHA-256 ({@link
 * io.vigil.canonical.Sha256}) and the shortest decimal that reads back as the same float or double
 * ({@link io.vigil.canonical.Decimals}), laid out for JSON or as plain text, the same on every JDK.
 * Manifests, reference profiles and ledger entries are all written with these, so that a digest
 * computed on one machine matches the one computed on another.
 */
package io.vigil.canonical;
