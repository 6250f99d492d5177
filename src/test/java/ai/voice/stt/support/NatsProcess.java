package ai.voice.stt.support;

import ai.voice.stt.cli.ChildOutput;
import ai.voice.stt.cli.ChildStop;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nats-server process on a port of our choosing, which a test can kill and start again on
 * the same port (what a pod restart or a crashed server looks like to clients), optionally with a
 * configuration file (authentication, TLS).
 */
public final class NatsProcess implements AutoCloseable {
  private static final String READY = "Server is ready";
  private final int port;
  private final Path configFile;
  private Process process;
  private ChildOutput output;

  private NatsProcess(int port, Path configFile) {
    this.port = port;
    this.configFile = configFile;
  }

  /** Starts a plain server on a free port. */
  public static NatsProcess start() throws IOException {
    return start(null);
  }

  /**
   * Starts a server on a free port.
   *
   * @param configFile a nats-server configuration file, or null for none
   */
  public static NatsProcess start(Path configFile) throws IOException {
    NatsProcess nats = new NatsProcess(freePort(), configFile);
    nats.startProcess();
    return nats;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** A plain client connection to this server. */
  public Connection connect() throws IOException, InterruptedException {
    return Nats.connect(
        Options.builder().server(url()).connectionTimeout(Duration.ofSeconds(5)).build());
  }

  /** SIGKILL: the server vanishes without a goodbye, as in a crash or a killed pod. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("nats-server did not die");
    }
  }

  /** Starts the server again on the same port. */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("still running");
    }
    startProcess();
  }

  private void startProcess() throws IOException {
    List<String> command =
        new ArrayList<>(List.of("nats-server", "-a", "127.0.0.1", "-p", Integer.toString(port)));
    if (configFile != null) {
      command.addAll(List.of("-c", configFile.toString()));
    }
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    output = ChildOutput.watch(process, READY, 200);
    try {
      output.awaitMarker(Duration.ofSeconds(15));
    } catch (IOException e) {
      process.destroyForcibly();
      throw new IOException("nats-server did not start on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The recent log lines of the server started last (for failure messages). */
  public String log() {
    return output == null ? "" : String.join("\n", output.lines());
  }

  @Override
  public void close() {
    if (process != null) {
      ChildStop.terminate(process, Duration.ofSeconds(10));
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
