package ai.voice.stt.support;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a loopback port that records every request and answers as the test scripts
 * it: a stand-in for a Whisper server that is broken in a specific way (answers 500, answers too
 * slowly) or for checking the exact request a client sends.
 */
public final class FakeWhisperServer implements AutoCloseable {

  /** A request as it arrived. */
  public record Request(String method, String path, Headers headers, byte[] body) {
    public String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** An answer, sent after an optional delay. */
  public record Response(
      int status, String contentType, String body, Map<String, String> headers, Duration delay) {
    public static Response json(int status, String body) {
      return new Response(status, "application/json", body, Map.of(), Duration.ZERO);
    }

    public Response withHeader(String name, String value) {
      Map<String, String> more = new java.util.HashMap<>(headers);
      more.put(name, value);
      return new Response(status, contentType, body, more, delay);
    }

    public Response after(Duration wait) {
      return new Response(status, contentType, body, headers, wait);
    }
  }

  /** Decides the answer to the {@code number}th request (1-based). */
  @FunctionalInterface
  public interface Responder {
    Response answer(Request request, int number);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Responder responder;

  public FakeWhisperServer(Responder responder) throws IOException {
    this.responder = responder;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Always the same answer. */
  public static FakeWhisperServer answering(Response response) throws IOException {
    return new FakeWhisperServer((request, number) -> response);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int requestCount() {
    return requests.size();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders(),
              body);
      requests.add(request);
      Response response = responder.answer(request, requests.size());
      if (!response.delay().isZero()) {
        try {
          Thread.sleep(response.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    executor.close();
  }
}
