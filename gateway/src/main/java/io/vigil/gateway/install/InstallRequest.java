package io.vigil.gateway.install;

import io.vigil.trust.tuf.Source;
import java.util.Optional;

/**
 * One request to install from a repository.
 *
 * @param repository the trusted repository's name
 * @param source where its files come from
 * @param root the repository's first root, given out of band for the very first install only
 * @param actor who asks, as the ledger records it
 * @param approver the local operator who approves {@code local-approval} targets, if one does
 */
public record InstallRequest(
    String repository,
    Source source,
    Optional<byte[]> root,
    String actor,
    Optional<String> approver) {

  public InstallRequest {
    root = root.map(byte[]::clone);
  }
}
