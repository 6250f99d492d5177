package ai.voice.stt.web;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import ai.voice.stt.transport.ControlPlane;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stt demo-web}: the live microphone page (web/) for people trying the service in a browser.
 * By default everything runs here, on this machine only: a nats-server with a WebSocket listener,
 * the service in this process, and the page. With {@code --nats-ws} only the page is served, for a
 * NATS server (and a service) already running. A development tool: not in the service's image.
 */
@Command(
    name = "demo-web",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the live microphone page: speak in a browser and watch the words appear.",
      "Without --nats-ws it starts nats-server (clients on 127.0.0.1, a WebSocket listener on"
          + " --host, random ports) and the service in this process: the variables of `stt"
          + " serve` except NATS_*, with demo defaults WHISPER_MODEL_SIZE=tiny.en,"
          + " STT_HEALTH_PORT=0, OTEL_ENABLED=false. scripts/demo-web.sh does all the set-up"
          + " first and opens the page."
    })
public final class DemoWebCommand implements Callable<Integer> {
  static final int EXIT_USAGE = 2;
  static final int EXIT_START_FAILED = 3;
  static final String URL_LINE = "voice-stt web demo: ";

  /** Settings for the service started here, unless the environment sets them. */
  static final Map<String, String> DEMO_DEFAULTS =
      Map.of(
          "WHISPER_MODEL_SIZE", "tiny.en",
          // the GPU when the whisper.cpp build has one, without a warning when it has not
          "WHISPER_DEVICE", "auto",
          "STT_HEALTH_PORT", "0",
          "OTEL_ENABLED", "false",
          "STT_ROUTING", "plain",
          "STT_SHUTDOWN_GRACE", "5");

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "address of the page and the WebSocket listener (default: ${DEFAULT-VALUE}); browsers"
              + " give the microphone only to localhost or https pages")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8088",
      description = "port of the page; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--nats-ws",
      paramLabel = "URL",
      description =
          "WebSocket URL of a NATS server that already runs (its websocket { } listener) with a"
              + " voice-stt service on it: only the page is served, pointed there")
  String natsWs;

  @Option(names = "--web-dir", description = "the page's files (default: web/ of this checkout)")
  Path webDir;

  @Option(
      names = "--vendor-dir",
      description =
          "node_modules holding nats.ws and @msgpack/msgpack (default: .cache/web/node_modules,"
              + " installed by scripts/web-deps.sh)")
  Path vendorDir;

  @Option(names = "--open", description = "open the page in the desktop's browser")
  boolean open;

  private final PrintStream out = System.out;
  private final PrintStream err = System.err;

  @Override
  public Integer call() throws InterruptedException {
    Path root = projectRoot();
    Path page = webDir != null ? webDir : root.resolve("web");
    Path vendor = vendorDir != null ? vendorDir : root.resolve(".cache/web/node_modules");
    List<Path> missing = WebDemoServer.missingFiles(page, vendor);
    if (!missing.isEmpty()) {
      err.println(
          "stt demo-web: the page's files are missing: "
              + missing.stream().map(Path::toString).collect(Collectors.joining(", "))
              + "\n  scripts/web-deps.sh installs its two libraries from npm (scripts/demo-web.sh"
              + " does every step)");
      return EXIT_USAGE;
    }
    if (natsWs != null && !natsWs.matches("wss?://\\S+")) {
      err.println("stt demo-web: --nats-ws wants a ws:// or wss:// URL, got " + natsWs);
      return EXIT_USAGE;
    }
    boolean local = natsWs == null;
    Map<String, String> env = serviceEnvironment(System.getenv(), root, local);
    SttConfig config;
    try {
      // Checked before anything starts; loaded again below with the local server's URL.
      config = ConfigLoader.load(env, Runtime.getRuntime().availableProcessors());
    } catch (ConfigException e) {
      err.println("stt demo-web: " + e.getMessage());
      return EXIT_USAGE;
    }

    Deque<AutoCloseable> started = new ArrayDeque<>(); // closed in reverse order
    String natsLine;
    WebDemoServer.NatsWebSocket webSocket;
    WebDemoServer web;
    try {
      web = new WebDemoServer(new InetSocketAddress(host, port), page, vendor);
      started.push(web);
      if (local) {
        List<String> origins = allowedOrigins(host, web.port());
        LocalNatsServer nats = LocalNatsServer.start(LocalNatsServer.executable(), host, origins);
        started.push(nats);
        env.put("NATS_URL", nats.natsUrl());
        config = ConfigLoader.load(env, Runtime.getRuntime().availableProcessors());
        SttService service = SttService.start(config);
        started.push(service::shutdown);
        webSocket = new WebDemoServer.NatsWebSocket.SameHost(nats.webSocketPort());
        natsLine =
            String.format(
                "nats-server %s started here: %s for the service, ws://%s:%d for the page%s",
                nats.version(),
                nats.natsUrl(),
                urlHost(host),
                nats.webSocketPort(),
                origins.isEmpty() ? " (any origin)" : " (pages of this server only)");
      } else {
        webSocket = new WebDemoServer.NatsWebSocket.Fixed(natsWs);
        natsLine = natsWs + " (the service must already run on that NATS server)";
      }
    } catch (BindException e) {
      closeAll(started);
      err.printf(
          "stt demo-web: cannot listen on %s:%d (%s); --port 0 picks a free port%n",
          host, port, e.getMessage());
      return EXIT_START_FAILED;
    } catch (ConfigException e) {
      closeAll(started);
      err.println("stt demo-web: " + e.getMessage());
      return EXIT_USAGE;
    } catch (IOException | RuntimeException e) {
      closeAll(started);
      err.println("stt demo-web: cannot start: " + e.getMessage());
      return EXIT_START_FAILED;
    }

    web.start(
        new WebDemoServer.PageConfig(
            webSocket,
            config.nats().inputPrefix(),
            config.nats().outputPrefix(),
            ControlPlane.STATUS_SUBJECT));
    String url = "http://" + urlHost(host) + ":" + web.port() + "/";
    out.println(URL_LINE + url);
    out.println("  NATS     " + natsLine);
    out.println(
        "  subjects "
            + config.nats().inputPrefix()
            + ".{session_id} -> "
            + config.nats().outputPrefix()
            + ".{session_id}");
    out.println("  page     " + page + " + " + vendor + " (nats.ws, @msgpack/msgpack)");
    out.println(
        "  Ctrl-C stops " + (local ? "the page, the service and nats-server." : "the page."));
    out.flush();

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeAll(started);
                  Runtime.getRuntime().halt(0);
                },
                "demo-web-shutdown"));
    if (open) {
      openBrowser(url);
    }
    new CountDownLatch(1).await(); // until the hook halts the process
    return 0;
  }

  /**
   * The service's environment: this process's, and for a server started here its URL (set later),
   * no credentials meant for another server, and the demo's defaults where nothing is set.
   */
  static Map<String, String> serviceEnvironment(
      Map<String, String> environment, Path root, boolean local) {
    Map<String, String> env = new HashMap<>(environment);
    if (local) {
      env.keySet().removeIf(name -> name.startsWith("NATS_"));
      env.put("NATS_URL", "nats://127.0.0.1:4222"); // replaced by the started server's
      DEMO_DEFAULTS.forEach(env::putIfAbsent);
      env.putIfAbsent("STT_MODEL_DIR", root.resolve("models").toString());
    }
    return env;
  }

  /**
   * Origins whose pages may use the WebSocket listener: this server's, by every name a browser on
   * this machine may use for it. A server on all interfaces cannot list the names people will type,
   * so it accepts any origin.
   */
  static List<String> allowedOrigins(String host, int port) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      address = null;
    }
    if (address != null && address.isAnyLocalAddress()) {
      return List.of();
    }
    List<String> loopback =
        List.of("http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port);
    String own = "http://" + urlHost(host) + ":" + port;
    return loopback.contains(own)
        ? loopback
        : java.util.stream.Stream.concat(java.util.stream.Stream.of(own), loopback.stream())
            .toList();
  }

  /** A host as it appears in a URL: an IPv6 address in brackets; all interfaces as 127.0.0.1. */
  static String urlHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "127.0.0.1";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** The checkout: two levels above target/classes (or the tools jar), else the working dir. */
  static Path projectRoot() {
    try {
      Path code =
          Path.of(DemoWebCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = code.getParent() == null ? null : code.getParent().getParent();
      if (root != null && Files.isDirectory(root.resolve("web"))) {
        return root;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code source (an unusual class loader): the working directory below
    }
    return Path.of("").toAbsolutePath();
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("stt demo-web: while stopping: " + e);
      }
    }
  }

  private void openBrowser(String url) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    List<String> command;
    if (os.contains("mac")) {
      command = List.of("open", url);
    } else if (os.contains("win")) {
      command = List.of("rundll32", "url.dll,FileProtocolHandler", url);
    } else if (System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null) {
      command = List.of("xdg-open", url);
    } else {
      out.println("  (no desktop here to open a browser on: open " + url + " in yours)");
      return;
    }
    try {
      new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      out.println("  (could not open a browser: " + e.getMessage() + "; open " + url + ")");
    }
  }
}
