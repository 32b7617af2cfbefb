package io.vigil.gateway.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One TCP connection to the gateway on which a test writes HTTP/1.1 by hand, byte by byte if need
 * be.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /** Writes {@code text}; false when the gateway has closed the connection. */
  boolean write(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads one response with a Content-Length body, waiting at most {@code timeoutMillis}; empty
   * text when the connection was closed first.
   */
  String response(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
        head.write(b);
      }
    } catch (SocketException e) {
      return head.toString(StandardCharsets.ISO_8859_1);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** Writes {@code request} and reads its response. */
  String response(String request, int timeoutMillis) throws IOException {
    write(request);
    return response(timeoutMillis);
  }

  /**
   * Whether the gateway closes the connection within {@code timeoutMillis}, reading what it sends.
   */
  boolean closedWithin(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      while (in.read() >= 0) {
        // what the gateway sends before it closes is not asked about here
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
