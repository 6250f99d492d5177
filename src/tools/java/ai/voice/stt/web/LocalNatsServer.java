package ai.voice.stt.web;

import ai.voice.stt.tools.ChildOutput;
import ai.voice.stt.tools.ChildStop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A nats-server for the web demo: clients (the service) on 127.0.0.1, browsers on a WebSocket
 * listener, both on ports the server picks. Plain {@code ws://} without authentication, so it is
 * for one machine: the WebSocket listener accepts only pages from the given origins when any are
 * given (another web site open in the same browser cannot reach it).
 */
public final class LocalNatsServer implements AutoCloseable {
  private static final Pattern WEBSOCKET =
      Pattern.compile("Listening for websocket clients on wss?://(\\S+):(\\d+)");
  private static final Pattern CLIENTS =
      Pattern.compile("Listening for client connections on (\\S+):(\\d+)");
  private static final Pattern VERSION = Pattern.compile("Version:\\s+(\\S+)");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:-]+");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final ChildOutput output;
  private final Path dir;
  private final int clientPort;
  private final int webSocketPort;
  private final String version;

  private LocalNatsServer(
      Process process,
      ChildOutput output,
      Path dir,
      int clientPort,
      int webSocketPort,
      String version) {
    this.process = process;
    this.output = output;
    this.dir = dir;
    this.clientPort = clientPort;
    this.webSocketPort = webSocketPort;
    this.version = version;
  }

  /**
   * The nats-server binary: {@code STT_NATS_SERVER} when set (as for the tests), else {@code
   * nats-server} on the PATH. Any release since 2.2 has the WebSocket listener.
   */
  public static String executable() {
    String configured = System.getenv("STT_NATS_SERVER");
    return configured == null || configured.isBlank() ? "nats-server" : configured;
  }

  /**
   * Starts a server and waits until it is ready.
   *
   * @param webSocketHost the address the WebSocket listener binds (the page's host)
   * @param allowedOrigins origins ({@code http://host:port}) whose pages may connect; empty: any
   */
  public static LocalNatsServer start(
      String executable, String webSocketHost, List<String> allowedOrigins) throws IOException {
    if (!HOST.matcher(webSocketHost).matches()) {
      throw new IllegalArgumentException("not a host name or address: " + webSocketHost);
    }
    Path dir = Files.createTempDirectory("stt-demo-web-nats-");
    Process process = null;
    try {
      Path config = dir.resolve("nats-server.conf");
      Files.writeString(config, configuration(webSocketHost, allowedOrigins));
      try {
        process =
            new ProcessBuilder(executable, "-c", config.toString())
                .redirectErrorStream(true)
                .start();
      } catch (IOException e) {
        throw new IOException(
            "cannot run "
                + executable
                + " ("
                + e.getMessage()
                + "): install nats-server (scripts/install-system-deps.sh), set STT_NATS_SERVER,"
                + " or point the page at a running server with --nats-ws",
            e);
      }
      ChildOutput output = ChildOutput.watch(process, "Server is ready", 200);
      try {
        output.awaitMarker(START_TIMEOUT);
      } catch (IOException e) {
        throw new IOException(executable + " did not start: " + e.getMessage(), e);
      }
      List<String> lines = output.lines();
      int clientPort = port(lines, CLIENTS, "client");
      int webSocketPort = port(lines, WEBSOCKET, "websocket");
      String version =
          lines.stream()
              .map(VERSION::matcher)
              .filter(Matcher::find)
              .map(m -> m.group(1))
              .findFirst()
              .orElse("?");
      return new LocalNatsServer(process, output, dir, clientPort, webSocketPort, version);
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        ChildStop.terminate(process, Duration.ofSeconds(5));
      }
      deleteTree(dir);
      throw e;
    }
  }

  /** The configuration file: random ports, reported in the log. */
  static String configuration(String webSocketHost, List<String> allowedOrigins) {
    StringBuilder conf = new StringBuilder();
    conf.append("# written by stt demo-web: local only, no TLS, no authentication\n");
    conf.append("host: \"127.0.0.1\"\nport: -1\n");
    conf.append("websocket {\n");
    conf.append("  host: \"").append(webSocketHost).append("\"\n");
    conf.append("  port: -1\n");
    conf.append("  no_tls: true\n");
    if (!allowedOrigins.isEmpty()) {
      conf.append("  allowed_origins: [")
          .append(
              allowedOrigins.stream()
                  .map(origin -> "\"" + origin.replace("\"", "") + "\"")
                  .collect(Collectors.joining(", ")))
          .append("]\n");
    }
    conf.append("}\n");
    return conf.toString();
  }

  private static int port(List<String> lines, Pattern pattern, String what) throws IOException {
    return lines.stream()
        .map(pattern::matcher)
        .filter(Matcher::find)
        .map(m -> Integer.parseInt(m.group(2)))
        .findFirst()
        .orElseThrow(
            () ->
                new IOException(
                    "nats-server reported no "
                        + what
                        + " port; its output:\n"
                        + String.join("\n", lines)));
  }

  /** {@code nats://127.0.0.1:PORT}, for the service. */
  public String natsUrl() {
    return "nats://127.0.0.1:" + clientPort;
  }

  public int webSocketPort() {
    return webSocketPort;
  }

  public String version() {
    return version;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The server's recent log lines. */
  public String log() {
    return String.join("\n", output.lines());
  }

  @Override
  public void close() {
    ChildStop.terminate(process, Duration.ofSeconds(5));
    deleteTree(dir);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  // a temporary file left behind is harmless
                }
              });
    } catch (IOException e) {
      // already gone
    }
  }
}
