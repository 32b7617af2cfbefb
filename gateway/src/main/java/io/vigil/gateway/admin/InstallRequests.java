package io.vigil.gateway.admin;

import io.vertx.core.json.JsonObject;
import io.vigil.gateway.GatewayException;
import io.vigil.gateway.install.InstallRequest;
import io.vigil.gateway.install.Installer;
import io.vigil.trust.TrustException;
import io.vigil.trust.tuf.DirectorySource;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The install endpoint's JSON: {@code {"directory": "/media/usb/repo", "repository":
 * "manufacturer", "root": "<base64 of root.json>", "actor": "operator:alice", "approved_by":
 * "alice"}}, of which only {@code directory} is required; and the HTTP status of each failure.
 */
final class InstallRequests {

  private InstallRequests() {}

  static InstallRequest parse(JsonObject body) {
    if (body == null) {
      throw new IllegalArgumentException("the body must be a JSON object with a \"directory\"");
    }
    String directory =
        text(body, "directory")
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "\"directory\" is required: the repository's directory on this machine"));
    Path dir = Path.of(directory);
    if (!dir.isAbsolute()) {
      throw new IllegalArgumentException(
          "\"directory\" must be an absolute path, not " + directory);
    }
    Optional<byte[]> root =
        text(body, "root")
            .map(
                b64 -> {
                  try {
                    return Base64.getDecoder().decode(b64);
                  } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("\"root\" must be base64");
                  }
                });
    return new InstallRequest(
        text(body, "repository").orElse(Installer.DEFAULT_REPOSITORY),
        DirectorySource.of(dir),
        root,
        text(body, "actor").orElse("admin-api"),
        text(body, "approved_by"));
  }

  /** 422 for a refused update, 404 for an unknown repository, 400 for a bad request, else 500. */
  static int status(Throwable e) {
    if (e instanceof IllegalArgumentException) {
      return 400;
    }
    if (e instanceof GatewayException g) {
      return switch (g.code()) {
        case UPDATE_REFUSED -> 422;
        case NOT_FOUND -> 404;
        case CONFIG_INVALID -> 400;
        case UNAVAILABLE -> 503;
        default -> 500;
      };
    }
    if (e instanceof TrustException t) {
      return t.code() == TrustException.Code.FETCH_FAILED ? 400 : 422;
    }
    return 500;
  }

  private static Optional<String> text(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return Optional.of(s);
  }
}
