package ai.voice.stt.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
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
  private final ConcurrentLinkedDeque<String> output = new ConcurrentLinkedDeque<>();
  private Process process;

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
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process started = process;
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  output.addLast(line);
                  if (output.size() > 200) {
                    output.pollFirst();
                  }
                  if (line.contains(READY)) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the process went away; the readiness wait below reports it
              }
              ready.completeExceptionally(new IOException("nats-server exited"));
            });
    try {
      ready.get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException(
          "nats-server did not start on port " + port + ":\n" + String.join("\n", output), e);
    }
  }

  /** The server's recent log lines (for failure messages). */
  public String log() {
    return String.join("\n", output);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
