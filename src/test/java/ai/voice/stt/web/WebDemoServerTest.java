package ai.voice.stt.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the web demo's HTTP server hands out, and what it keeps to itself. */
class WebDemoServerTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private WebDemoServer server;
  private String base;

  @BeforeEach
  void start() throws IOException {
    Path page = Files.createDirectories(dir.resolve("web"));
    Files.writeString(page.resolve("index.html"), "<!doctype html><title>page</title>");
    Files.writeString(page.resolve("app.js"), "export const app = 1;");
    Files.writeString(page.resolve("style.css"), "body {}");
    Files.writeString(page.resolve("package.json"), "{}");
    Files.writeString(page.resolve(".hidden.js"), "secret");
    Files.createDirectories(page.resolve("test"));
    Files.writeString(page.resolve("test/chromium.js"), "test");
    Path outside = Files.writeString(dir.resolve("outside.js"), "outside");
    Files.createSymbolicLink(page.resolve("link.js"), outside);

    Path modules = dir.resolve("node_modules");
    Files.createDirectories(modules.resolve("nats.ws/esm"));
    Files.writeString(modules.resolve("nats.ws/esm/nats.js"), "export function connect() {}");
    Files.writeString(modules.resolve("nats.ws/package.json"), "{}");
    Files.createDirectories(modules.resolve("@msgpack/msgpack/dist.esm"));
    Files.writeString(
        modules.resolve("@msgpack/msgpack/dist.esm/index.mjs"), "export * from './encode.mjs';");
    Files.createDirectories(modules.resolve("playwright-core"));
    Files.writeString(modules.resolve("playwright-core/index.mjs"), "driver");

    server = new WebDemoServer(new InetSocketAddress("127.0.0.1", 0), page, modules);
    server.start(
        new WebDemoServer.PageConfig(
            new WebDemoServer.NatsWebSocket.SameHost(4223),
            "in.prefix",
            "out.prefix",
            "stt.status"));
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A request line sent as written: no client normalises its path. */
  private String rawStatusLine(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return response.lines().findFirst().orElse("");
    }
  }

  @Test
  void servesThePageItsModulesAndTheTwoVendoredLibraries() throws Exception {
    HttpResponse<String> index = get("/");
    assertEquals(200, index.statusCode());
    assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").get());
    assertTrue(index.body().contains("<title>page</title>"));
    assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").get());
    assertTrue(
        index.headers().firstValue("Content-Security-Policy").get().contains("default-src 'self'"));

    Map<String, String> types =
        Map.of(
            "/app.js", "text/javascript; charset=utf-8",
            "/style.css", "text/css; charset=utf-8",
            "/vendor/nats.ws/esm/nats.js", "text/javascript; charset=utf-8",
            "/vendor/@msgpack/msgpack/dist.esm/index.mjs", "text/javascript; charset=utf-8");
    for (var entry : types.entrySet()) {
      HttpResponse<String> response = get(entry.getKey());
      assertEquals(200, response.statusCode(), entry.getKey());
      assertEquals(
          entry.getValue(), response.headers().firstValue("Content-Type").get(), entry.getKey());
    }
  }

  @Test
  void nothingElseIsReachable() throws Exception {
    for (String path :
        List.of(
            "/package.json",
            "/.hidden.js",
            "/test/chromium.js",
            "/link.js",
            "/missing.js",
            "/vendor/",
            "/vendor/playwright-core/index.mjs",
            "/vendor/nats.ws/package.json",
            "/vendor/nats.ws/esm/",
            "/vendor/nats.ws/../playwright-core/index.mjs",
            "/vendor/nats.ws/esm/..%2F..%2Fplaywright-core/index.mjs",
            "/%2e%2e/outside.js",
            "/../outside.js")) {
      assertEquals("HTTP/1.1 404 Not Found", rawStatusLine(path), path);
    }
  }

  @Test
  void onlyGetAndHead() throws Exception {
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").get());

    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/app.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
  }

  @Test
  void configTellsThePageWhereNatsListensAndTheSubjects() throws Exception {
    HttpResponse<String> config = get("/config.json");
    assertEquals(200, config.statusCode());
    assertEquals(
        "{\"nats_ws_url\":\"ws://127.0.0.1:4223\",\"input_subject_prefix\":\"in.prefix\","
            + "\"output_subject_prefix\":\"out.prefix\",\"status_subject\":\"stt.status\"}\n",
        config.body());
  }

  @Test
  void theWebSocketHostIsTheOneTheBrowserUsedWhenItIsAPlainName() {
    assertEquals("localhost", server.requestHost("localhost:8088"));
    assertEquals("studio.lan", server.requestHost("studio.lan"));
    assertEquals("[::1]", server.requestHost("[::1]:8088"));
    assertEquals("127.0.0.1", server.requestHost(null));
    assertEquals("127.0.0.1", server.requestHost("evil\"host:1"));
    assertEquals("127.0.0.1", server.requestHost("[::1"));
    assertEquals("127.0.0.1", server.requestHost(""));
    assertEquals(
        "wss://nats.example:443",
        new WebDemoServer.NatsWebSocket.Fixed("wss://nats.example:443").urlFor("localhost"));
  }

  @Test
  void missingFilesNamesWhatAnInstallLacks() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    List<Path> missing = WebDemoServer.missingFiles(dir.resolve("web"), empty);
    assertEquals(2, missing.size(), missing.toString());
    assertTrue(missing.contains(empty.resolve("nats.ws/esm/nats.js")));
    assertTrue(missing.contains(empty.resolve("@msgpack/msgpack/dist.esm/index.mjs")));
    assertEquals(
        List.of(), WebDemoServer.missingFiles(dir.resolve("web"), dir.resolve("node_modules")));
  }
}
