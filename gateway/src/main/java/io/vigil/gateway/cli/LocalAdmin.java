package io.vigil.gateway.cli;

import io.vigil.gateway.GatewayException;
import io.vigil.gateway.access.LocalOperator;
import io.vigil.gateway.admin.AdminUrl;
import io.vigil.gateway.config.VigilConfig;
import java.net.URI;

/** How a command on the gateway's own machine reaches its admin port: the URL and the token. */
final class LocalAdmin {

  /** The environment variable that names another operator's token than the local one. */
  static final String TOKEN_VARIABLE = "VIGIL_ADMIN_TOKEN";

  private LocalAdmin() {}

  /**
   * Where the running gateway's admin port listens ({@code <data-dir>/admin.url}), else where the
   * configuration puts it.
   */
  static URI url(VigilConfig config) {
    return AdminUrl.read(config.dataDir())
        .orElse(URI.create("http://" + config.admin().host() + ":" + config.admin().port() + "/"));
  }

  /**
   * The operator token a command presents to a running gateway: {@code VIGIL_ADMIN_TOKEN} (an
   * approver's token from {@code vigil operators add}, needed to approve), else the local
   * operator's, which the gateway wrote for its own user.
   */
  static String token(VigilConfig config) {
    String env = System.getenv(TOKEN_VARIABLE);
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    return LocalOperator.read(config.dataDir())
        .orElseThrow(
            () ->
                new GatewayException(
                    GatewayException.Code.UNAVAILABLE,
                    "cannot read the local operator's token "
                        + LocalOperator.file(config.dataDir())
                        + ": run this as the gateway's user (sudo -u vigil) or root while the"
                        + " gateway runs, or set "
                        + TOKEN_VARIABLE
                        + " to an operator's token"));
  }
}
