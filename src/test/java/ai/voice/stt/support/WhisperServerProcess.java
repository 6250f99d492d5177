package ai.voice.stt.support;

import ai.voice.stt.tools.ChildJvm;
import ai.voice.stt.tools.ChildStop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code stt whisper-server} as a separate process on a loopback port, with the real model: the
 * same {@code cli.Main} that {@code bin/stt} runs, launched with this JVM's java and test class
 * path (bin/stt itself may rebuild with Maven, which a test must not do). The process can be killed
 * (SIGKILL, as a crashing pod) and started again on the same port.
 */
public final class WhisperServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private final int port;
  private final List<String> options;
  private final Path log;
  private Process process;

  /** Not started yet; see {@link #start()}. */
  public WhisperServerProcess(int port, List<String> options) {
    this.port = port;
    this.options = List.copyOf(options);
    this.log = Path.of("target", "whisper-server-" + port + ".log");
  }

  /** Started and answering {@code /health}. */
  public static WhisperServerProcess started(List<String> options) throws Exception {
    WhisperServerProcess server = new WhisperServerProcess(freePort(), options);
    server.start();
    return server;
  }

  /** A port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Launches the process and waits until {@code /health} answers 200. */
  public void start() throws Exception {
    List<String> command = new ArrayList<>(ChildJvm.command(List.of(), "whisper-server"));
    command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port)));
    command.addAll(List.of("--model", TestData.model().toString()));
    command.addAll(options);
    Files.createDirectories(log.getParent());
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitHealthy();
  }

  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpRequest health =
          HttpRequest.newBuilder(URI.create(url() + "/health"))
              .timeout(Duration.ofSeconds(2))
              .build();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("whisper-server exited: " + tail());
        }
        try {
          if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        // Polling a port has no event to wait on; 100 ms keeps start-up detection prompt.
        Thread.sleep(100);
      }
    }
    throw new AssertionError("whisper-server not healthy within " + START_TIMEOUT + ": " + tail());
  }

  /** SIGKILL, as a crashed or evicted pod: no graceful shutdown, open connections just die. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null) {
      ChildStop.terminate(process, Duration.ofSeconds(20));
    }
  }
}
