package io.vigil.trust.tuf;

import io.vigil.trust.TrustException;
import io.vigil.trust.TrustException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A repository over HTTP(S), with the JDK's client: metadata under one base URL, targets under
 * another. A 403 or 404 means "not there"; any other failure is {@link Code#FETCH_FAILED}. File
 * names are appended to the base URLs as they are (role names already URL-encoded), never resolved,
 * so that an encoded base path reaches the server unchanged.
 */
public final class HttpSource implements Source {

  /** How long a connection and a whole response may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final URI metadataBase;
  private final URI targetsBase;
  private final HttpClient client;
  private final Duration timeout;

  private HttpSource(URI metadataBase, URI targetsBase, Duration timeout) {
    this.metadataBase = withSlash(metadataBase);
    this.targetsBase = withSlash(targetsBase);
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** A source with metadata under {@code metadataBase} and targets under {@code targetsBase}. */
  public static HttpSource of(URI metadataBase, URI targetsBase) {
    return new HttpSource(metadataBase, targetsBase, DEFAULT_TIMEOUT);
  }

  @Override
  public Optional<byte[]> metadata(String name, long maxLength) {
    return get(URI.create(metadataBase + name), maxLength, "metadata file " + name);
  }

  @Override
  public Optional<byte[]> target(String path, long maxLength) {
    // A target path is a file path, not a URL: escaped byte by byte and appended, never resolved,
    // so that a space is no error and "http://elsewhere/x" is looked for under targetsBase.
    return get(URI.create(targetsBase + escapePath(path)), maxLength, "target " + path);
  }

  @Override
  public String describe() {
    return metadataBase.toString();
  }

  private Optional<byte[]> get(URI uri, long maxLength, String what) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        int status = response.statusCode();
        if (status == 404 || status == 403) {
          return Optional.empty();
        }
        if (status != 200) {
          throw new TrustException(Code.FETCH_FAILED, "GET " + uri + " answered " + status);
        }
        long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
        if (declared > maxLength) {
          throw new TrustException(
              Code.TOO_LONG, what + " has " + declared + " bytes, over its cap of " + maxLength);
        }
        return Optional.of(Source.readCapped(body, maxLength, what));
      }
    } catch (IOException e) {
      throw new TrustException(Code.FETCH_FAILED, "GET " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrustException(Code.FETCH_FAILED, "GET " + uri + " was interrupted", e);
    }
  }

  /** {@code path} with every UTF-8 byte but the unreserved characters and '/' percent-encoded. */
  static String escapePath(String path) {
    return LocalStore.quote(path, "/");
  }

  private static URI withSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? uri : URI.create(s + "/");
  }
}
