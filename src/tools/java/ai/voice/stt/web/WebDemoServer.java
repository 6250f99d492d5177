package ai.voice.stt.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@code stt demo-web}: the page's own files (the top level of {@code web/}), the
 * two libraries it loads from the npm install ({@code /vendor/nats.ws/...}, {@code
 * /vendor/@msgpack/msgpack/...}) and {@code /config.json}, which tells the page where NATS listens
 * for WebSocket clients and which subjects the service uses. GET and HEAD only; nothing outside
 * those files is reachable (no directory listing, no {@code ..}, no dot files, no other package).
 */
public final class WebDemoServer implements AutoCloseable {
  /** npm packages the page imports, each with the module it starts from. */
  public static final Map<String, String> VENDORED =
      Map.of("nats.ws", "esm/nats.js", "@msgpack/msgpack", "dist.esm/index.mjs");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");
  private static final Pattern HOST_IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+]");
  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  private static final Map<String, String> PAGE_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", JAVASCRIPT,
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon");
  private static final Map<String, String> VENDOR_TYPES =
      Map.of("js", JAVASCRIPT, "mjs", JAVASCRIPT, "map", "application/json; charset=utf-8");
  // The page loads scripts, styles and its worklet from here and opens a WebSocket to NATS, which
  // may listen on another port or host.
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; object-src 'none';"
          + " base-uri 'none'; frame-ancestors 'none'";

  /** Where the page finds NATS's WebSocket listener. */
  public sealed interface NatsWebSocket {
    /** The URL for a page that the browser loaded from {@code requestHost} (no port). */
    String urlFor(String requestHost);

    /** A given URL (a server of the user's own). */
    record Fixed(String url) implements NatsWebSocket {
      @Override
      public String urlFor(String requestHost) {
        return url;
      }
    }

    /**
     * A listener started beside this server: on the host the browser already reaches this page by,
     * so a page opened as {@code localhost} or by the machine's name finds it too.
     */
    record SameHost(int port) implements NatsWebSocket {
      @Override
      public String urlFor(String requestHost) {
        return "ws://" + requestHost + ":" + port;
      }
    }
  }

  /** What {@code /config.json} tells the page. */
  public record PageConfig(
      NatsWebSocket natsWebSocket,
      String inputSubjectPrefix,
      String outputSubjectPrefix,
      String statusSubject) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Path pageDir;
  private final Path vendorDir;
  private final String fallbackHost;
  private final ObjectMapper json = new ObjectMapper();
  private volatile PageConfig config;

  /**
   * Binds the port (so that {@link #port()} is known before anything else starts) without serving;
   * {@link #start} serves.
   *
   * @param pageDir the page's files ({@code web/})
   * @param vendorDir the npm install's {@code node_modules}
   */
  public WebDemoServer(InetSocketAddress address, Path pageDir, Path vendorDir) throws IOException {
    this.pageDir = pageDir.toRealPath();
    this.vendorDir = vendorDir.toRealPath();
    String bound = address.getHostString();
    this.fallbackHost =
        address.getAddress() != null && address.getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : bound;
    this.server = HttpServer.create(address, 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  /** The files a page needs that an install may lack: the page's entry and each vendored module. */
  public static List<Path> missingFiles(Path pageDir, Path vendorDir) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(pageDir.resolve("index.html")),
            VENDORED.entrySet().stream()
                .map(e -> vendorDir.resolve(e.getKey()).resolve(e.getValue())))
        .filter(path -> !Files.isRegularFile(path))
        .toList();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Starts serving. */
  public void start(PageConfig pageConfig) {
    this.config = pageConfig;
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD only\n", false);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path == null || path.isEmpty() || path.equals("/")) {
        path = "/index.html";
      }
      if (path.equals("/config.json")) {
        String host = requestHost(exchange.getRequestHeaders().getFirst("Host"));
        send(exchange, 200, "application/json; charset=utf-8", configJson(host), head);
        return;
      }
      Optional<Resolved> file =
          path.startsWith("/vendor/")
              ? vendorFile(path.substring("/vendor/".length()))
              : pageFile(path.substring(1));
      if (file.isEmpty()) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n", head);
        return;
      }
      byte[] body;
      try {
        body = Files.readAllBytes(file.get().path());
      } catch (NoSuchFileException e) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n", head);
        return;
      }
      send(exchange, 200, file.get().type(), body, head);
    }
  }

  private record Resolved(Path path, String type) {}

  /** A file at the top of the page's directory with a type the page uses. */
  private Optional<Resolved> pageFile(String name) {
    String type = PAGE_TYPES.get(extension(name));
    if (type == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return inside(pageDir, pageDir.resolve(name)).map(path -> new Resolved(path, type));
  }

  /** A script (or its source map) inside one of the vendored packages. */
  private Optional<Resolved> vendorFile(String rest) {
    for (String pkg : VENDORED.keySet()) {
      if (!rest.startsWith(pkg + "/")) {
        continue;
      }
      String inner = rest.substring(pkg.length() + 1);
      String type = VENDOR_TYPES.get(extension(inner));
      if (type == null) {
        return Optional.empty();
      }
      for (String segment : inner.split("/", -1)) {
        if (!NAME.matcher(segment).matches()) {
          return Optional.empty();
        }
      }
      Path root = vendorDir.resolve(pkg);
      return inside(root, root.resolve(inner)).map(path -> new Resolved(path, type));
    }
    return Optional.empty();
  }

  /** {@code candidate} when it is a regular file whose real path lies under {@code root}. */
  private static Optional<Path> inside(Path root, Path candidate) {
    try {
      Path real = candidate.toRealPath();
      return real.startsWith(root.toRealPath()) && Files.isRegularFile(real)
          ? Optional.of(real)
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The host name (without port) the browser used, when it is a plain name or address. */
  String requestHost(String hostHeader) {
    if (hostHeader == null) {
      return fallbackHost;
    }
    String host = hostHeader.trim();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close < 0 ? "" : host.substring(0, close + 1);
      return HOST_IPV6.matcher(host).matches() ? host : fallbackHost;
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return HOST_NAME.matcher(host).matches() && host.length() <= 253 ? host : fallbackHost;
  }

  private String configJson(String requestHost) throws IOException {
    PageConfig page = config;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("nats_ws_url", page.natsWebSocket().urlFor(requestHost));
    body.put("input_subject_prefix", page.inputSubjectPrefix());
    body.put("output_subject_prefix", page.outputSubjectPrefix());
    body.put("status_subject", page.statusSubject());
    return json.writeValueAsString(body) + "\n";
  }

  private static void send(
      HttpExchange exchange, int status, String type, String body, boolean head)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8), head);
  }

  private static void send(
      HttpExchange exchange, int status, String type, byte[] body, boolean head)
      throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", type);
    // A page under development: always the current file, never a stale copy.
    headers.set("Cache-Control", "no-cache");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    if (head) {
      headers.set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
