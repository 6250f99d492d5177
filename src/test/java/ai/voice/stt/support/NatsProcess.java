package ai.voice.stt.support;

import ai.voice.stt.tools.ChildOutput;
import ai.voice.stt.tools.ChildStop;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nats-server process on a port of our choosing, which a test can kill and start again on
 * the same port (what a pod restart or a crashed server looks like to clients), optionally with a
 * configuration file (authentication, TLS) or with JetStream.
 *
 * <p>The binary is {@link #executable()}: {@code STT_NATS_SERVER} when set ({@code scripts/test.sh}
 * builds a pinned, JetStream-capable release into .cache/go), else {@code nats-server} on the PATH.
 */
public final class NatsProcess implements AutoCloseable {
  /** Every port {@link #freePort()} has returned in this JVM. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private static final String READY = "Server is ready";
  private final int port;
  private final Path configFile;
  private final List<String> extraArgs;
  private final Path ownedDir;
  private Process process;
  private ChildOutput output;

  private NatsProcess(int port, Path configFile, List<String> extraArgs, Path ownedDir) {
    this.port = port;
    this.configFile = configFile;
    this.extraArgs = List.copyOf(extraArgs);
    this.ownedDir = ownedDir;
  }

  /**
   * The nats-server binary the tests run: {@code STT_NATS_SERVER} when set and not empty, else
   * {@code nats-server} (looked up on the PATH).
   */
  public static String executable() {
    String configured = System.getenv("STT_NATS_SERVER");
    return configured == null || configured.isEmpty() ? "nats-server" : configured;
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
    return start(freePort(), configFile, List.of(), null);
  }

  /**
   * Starts a single server with JetStream ({@code -js}) on a free port, its store in a fresh
   * temporary directory that {@link #close} deletes. A {@link #restart} keeps the store.
   */
  public static NatsProcess startJetStream() throws IOException {
    Path store = Files.createTempDirectory("stt-nats-js-");
    try {
      return start(freePort(), null, List.of("-js", "-sd", store.toString()), store);
    } catch (IOException | RuntimeException e) {
      deleteTree(store);
      throw e;
    }
  }

  /**
   * Starts a server on {@code port} with extra command-line arguments.
   *
   * @param configFile a nats-server configuration file, or null for none
   * @param ownedDir a directory deleted on {@link #close}, or null for none
   */
  static NatsProcess start(int port, Path configFile, List<String> extraArgs, Path ownedDir)
      throws IOException {
    NatsProcess nats = new NatsProcess(port, configFile, extraArgs, ownedDir);
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

  /** The server process (to stop and continue it, see {@link Signals}). */
  public Process process() {
    return process;
  }

  /** Whether the server process is running. */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts the server again on the same port, with the same arguments (and JetStream store). */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("still running");
    }
    startProcess();
  }

  private void startProcess() throws IOException {
    List<String> command =
        new ArrayList<>(List.of(executable(), "-a", "127.0.0.1", "-p", Integer.toString(port)));
    if (configFile != null) {
      command.addAll(List.of("-c", configFile.toString()));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    output = ChildOutput.watch(process, READY, 200);
    try {
      output.awaitMarker(Duration.ofSeconds(15));
    } catch (IOException e) {
      process.destroyForcibly();
      throw new IOException(
          executable() + " did not start on port " + port + ": " + e.getMessage(), e);
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
    if (ownedDir != null) {
      deleteTree(ownedDir);
    }
  }

  /** Deletes a directory and everything in it, as far as it can (best effort, for clean-up). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // A leftover temporary directory is not worth failing a test over.
    }
  }

  /**
   * A port nothing listens on now and that this JVM has not handed out before. A port is free only
   * until someone binds it, and the kernel may offer a just-released port again: a test that picks
   * its health port and then starts a service (whose nats-server picks its own) could get the same
   * port twice, and the second bind failed (HealthEndpointsTest, once in a fresh-clone run). Ports
   * handed out earlier are never offered again.
   */
  public static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      }
    }
  }
}
