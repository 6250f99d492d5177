package ai.voice.stt.support;

import ai.voice.stt.cli.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code stt serve} as a real child process (the JVM and classpath running the tests), so a test
 * can send it real signals and read its exit status and output.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final String READY = "voice-stt ready";
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();

  public ServiceProcess(Map<String, String> environment) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(ChildJvm.command(List.of(), "serve")).redirectErrorStream(true);
    // No collector beside the tests, and plain-text logs the assertions read line by line.
    builder.environment().put("OTEL_ENABLED", "false");
    builder.environment().put("STT_LOG_FORMAT", "text");
    builder.environment().putAll(environment);
    this.process = builder.start();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  output.add(line);
                  if (line.contains(READY)) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the process is gone; readiness reports it
              }
              ready.completeExceptionally(new IOException("exited before it was ready"));
              outputEnded.complete(null);
            });
  }

  public void awaitReady(Duration timeout) throws Exception {
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("service not ready:\n" + String.join("\n", output), e);
    }
  }

  public Process process() {
    return process;
  }

  /**
   * Sends SIGTERM, as Kubernetes does. Through the process handle rather than {@link
   * Process#destroy()}, which also closes our end of the child's output and would lose what it
   * prints while shutting down.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits until the process exited and everything it printed has been read. */
  public List<String> awaitOutputEnd(Duration timeout) throws Exception {
    outputEnded.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return output();
  }

  /** Everything it printed so far (stdout and stderr). */
  public List<String> output() {
    return List.copyOf(output);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
