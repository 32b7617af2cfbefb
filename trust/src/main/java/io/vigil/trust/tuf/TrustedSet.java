package io.vigil.trust.tuf;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the client trusts during one refresh, and the checks of TUF 1.0 section 5 that admit each
 * new piece of metadata: a pure state machine, no I/O (python-tuf's {@code TrustedMetadataSet}).
 * Metadata goes in only in the specification's order: root, timestamp, snapshot, targets.
 */
final class TrustedSet {

  private final Instant now;
  private Metadata<Root> root;
  private Metadata<Timestamp> timestamp;
  private Metadata<Snapshot> snapshot;
  private final Map<String, Metadata<Targets>> targets = new HashMap<>();

  /** Starts from a root the client already trusts; it must still carry its own threshold. */
  TrustedSet(byte[] trustedRoot, Instant now) {
    this.now = now;
    Metadata<Root> r = Metadata.root(trustedRoot);
    r.verify("root", r.signed().role("root"), r.signed().keys(), Code.UNSIGNED, "the trusted ");
    this.root = r;
  }

  Root root() {
    return root.signed();
  }

  Optional<Timestamp> timestamp() {
    return Optional.ofNullable(timestamp).map(Metadata::signed);
  }

  Optional<Snapshot> snapshot() {
    return Optional.ofNullable(snapshot).map(Metadata::signed);
  }

  Optional<Targets> targets(String role) {
    return Optional.ofNullable(targets.get(role)).map(Metadata::signed);
  }

  /** 5.3: the next root, signed by the trusted root's threshold and by its own. */
  void updateRoot(byte[] data) {
    if (timestamp != null) {
      throw new IllegalStateException("root cannot change after the timestamp is loaded");
    }
    Metadata<Root> next = Metadata.root(data);
    Root trusted = root.signed();
    next.verify(
        "root",
        trusted.role("root"),
        trusted.keys(),
        Code.BAD_ROOT_ROTATION,
        "not signed by the threshold of trusted root version " + trusted.version() + ": new ");
    long expected = trusted.version() + 1;
    if (next.signed().version() != expected) {
      throw new TrustException(
          Code.BAD_ROOT_ROTATION,
          "root version "
              + next.signed().version()
              + " was offered where version "
              + expected
              + " must come next (root versions cannot be skipped or repeated)");
    }
    next.verify(
        "root",
        next.signed().role("root"),
        next.signed().keys(),
        Code.BAD_ROOT_ROTATION,
        "not signed by its own threshold: new ");
    root = next;
  }

  /** 5.3.10: the final root must not have expired. */
  void checkRootNotExpired() {
    if (root.signed().isExpiredAt(now)) {
      throw expired("root", root.signed());
    }
  }

  /**
   * 5.4: a new timestamp. A version equal to the trusted one changes nothing and returns false; a
   * lower one, or one that lists an older snapshot, is a rollback. An expired timestamp is kept as
   * trusted (for the next rollback check) and then refused.
   */
  boolean updateTimestamp(byte[] data) {
    if (snapshot != null) {
      throw new IllegalStateException("timestamp cannot change after the snapshot is loaded");
    }
    checkRootNotExpired();
    Metadata<Timestamp> next = Metadata.timestamp(data);
    next.verify("timestamp", root.signed().role("timestamp"), root.signed().keys());
    if (timestamp != null) {
      Timestamp old = timestamp.signed();
      if (next.signed().version() < old.version()) {
        throw rollback("timestamp", next.signed().version(), old.version());
      }
      if (next.signed().version() == old.version()) {
        return false;
      }
      if (next.signed().snapshot().version() < old.snapshot().version()) {
        throw new TrustException(
            Code.ROLLBACK,
            "timestamp version "
                + next.signed().version()
                + " lists snapshot version "
                + next.signed().snapshot().version()
                + ", older than the trusted snapshot version "
                + old.snapshot().version());
      }
    }
    timestamp = next;
    checkTimestampFinal();
    return true;
  }

  void checkTimestampFinal() {
    if (timestamp.signed().isExpiredAt(now)) {
      throw expired("timestamp", timestamp.signed());
    }
  }

  /**
   * 5.5: a new snapshot. {@code fromLocalStore} skips the hash check against the timestamp (the
   * file was checked when it was stored) but nothing else.
   */
  void updateSnapshot(byte[] data, boolean fromLocalStore) {
    if (timestamp == null) {
      throw new IllegalStateException("snapshot needs a timestamp first");
    }
    if (targets.containsKey("targets")) {
      throw new IllegalStateException("snapshot cannot change after targets are loaded");
    }
    checkTimestampFinal();
    MetaFile listed = timestamp.signed().snapshot();
    if (!fromLocalStore) {
      Hashes.check(data, listed.length(), listed.hashes(), Code.MIX_AND_MATCH, "snapshot metadata");
    }
    Metadata<Snapshot> next = Metadata.snapshot(data);
    next.verify("snapshot", root.signed().role("snapshot"), root.signed().keys());
    if (snapshot != null) {
      for (Map.Entry<String, MetaFile> old : snapshot.signed().meta().entrySet()) {
        MetaFile now = next.signed().meta().get(old.getKey());
        if (now == null) {
          throw new TrustException(
              Code.ROLLBACK,
              "snapshot version "
                  + next.signed().version()
                  + " no longer lists "
                  + old.getKey()
                  + ", which the trusted snapshot lists at version "
                  + old.getValue().version());
        }
        if (now.version() < old.getValue().version()) {
          throw rollback(old.getKey(), now.version(), old.getValue().version());
        }
      }
    }
    snapshot = next;
    checkSnapshotFinal();
  }

  void checkSnapshotFinal() {
    Snapshot s = snapshot.signed();
    if (s.isExpiredAt(now)) {
      throw expired("snapshot", s);
    }
    long listed = timestamp.signed().snapshot().version();
    if (s.version() != listed) {
      throw new TrustException(
          Code.MIX_AND_MATCH,
          "snapshot version "
              + s.version()
              + " is not the version "
              + listed
              + " that the timestamp lists");
    }
  }

  /** 5.6: a targets role, verified by the role that delegates to it ({@code root} for targets). */
  void updateTargets(byte[] data, String role, String delegator) {
    if (snapshot == null) {
      throw new IllegalStateException("targets need a snapshot first");
    }
    checkSnapshotFinal();
    MetaFile listed = snapshot.signed().meta().get(role + ".json");
    if (listed == null) {
      throw new TrustException(
          Code.MIX_AND_MATCH,
          "the snapshot does not list " + role + ".json, so it cannot be trusted");
    }
    Hashes.check(data, listed.length(), listed.hashes(), Code.MIX_AND_MATCH, role + " metadata");
    Metadata<Targets> next = Metadata.targets(data);
    verifyDelegated(next, role, delegator, "");
    if (next.signed().version() != listed.version()) {
      throw new TrustException(
          Code.MIX_AND_MATCH,
          role
              + " metadata version "
              + next.signed().version()
              + " is not the version "
              + listed.version()
              + " that the snapshot lists");
    }
    if (next.signed().isExpiredAt(now)) {
      throw expired(role, next.signed());
    }
    targets.put(role, next);
  }

  /**
   * Checks a targets role loaded earlier against {@code delegator}'s keys and threshold: a role
   * that two roles delegate to (a diamond) must satisfy each of them, not only the first that
   * loaded it.
   */
  void reverifyTargets(String role, String delegator) {
    verifyDelegated(targets.get(role), role, delegator, "as delegated by " + delegator + ": ");
  }

  /** Checks {@code metadata} of {@code role} against the keys and threshold its delegator gives. */
  private void verifyDelegated(
      Metadata<Targets> metadata, String role, String delegator, String context) {
    if (delegator.equals("root")) {
      metadata.verify(role, root.signed().role("targets"), root.signed().keys());
      return;
    }
    Metadata<Targets> parent = targets.get(delegator);
    if (parent == null) {
      throw new IllegalStateException(delegator + " must be loaded before " + role);
    }
    Delegations d =
        parent
            .signed()
            .delegations()
            .orElseThrow(() -> new IllegalStateException(delegator + " delegates nothing"));
    Role r =
        d.role(role)
            .orElseThrow(
                () -> new IllegalStateException(delegator + " does not delegate to " + role));
    metadata.verify(role, r, d.keys(), Code.UNSIGNED, context);
  }

  private TrustException expired(String role, Signed s) {
    return new TrustException(
        Code.EXPIRED,
        role
            + " metadata version "
            + s.version()
            + " expired at "
            + s.expires()
            + " (now "
            + now
            + ")");
  }

  private static TrustException rollback(String role, long offered, long trusted) {
    return new TrustException(
        Code.ROLLBACK,
        role + " version " + offered + " was offered, older than the trusted version " + trusted);
  }
}
