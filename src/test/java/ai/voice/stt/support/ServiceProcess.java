package ai.voice.stt.support;

import ai.voice.stt.tools.ChildJvm;
import ai.voice.stt.tools.ChildOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stt serve} as a real child process (the JVM and classpath running the tests), so a test
 * can send it real signals and read its exit status and output.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final String READY = "voice-stt ready";
  private final Process process;
  private final ChildOutput output;

  public ServiceProcess(Map<String, String> environment) throws IOException {
    this(environment, List.of());
  }

  /** With extra JVM flags, e.g. a fault-injection property. */
  public ServiceProcess(Map<String, String> environment, List<String> jvmOptions)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(ChildJvm.command(jvmOptions, "serve")).redirectErrorStream(true);
    // No collector beside the tests, and plain-text logs the assertions read line by line.
    builder.environment().put("OTEL_ENABLED", "false");
    builder.environment().put("STT_LOG_FORMAT", "text");
    builder.environment().putAll(environment);
    this.process = builder.start();
    this.output = ChildOutput.watch(process, READY, Integer.MAX_VALUE);
  }

  /**
   * {@code stt serve} on {@code nats} with the test model and an ephemeral health port; {@code
   * settings} add to or override those.
   */
  public static ServiceProcess servingOn(NatsProcess nats, Map<String, String> settings)
      throws IOException {
    return servingOn(nats, settings, List.of());
  }

  /** The same, with extra JVM flags. */
  public static ServiceProcess servingOn(
      NatsProcess nats, Map<String, String> settings, List<String> jvmOptions) throws IOException {
    Map<String, String> environment = new HashMap<>();
    environment.put("NATS_URL", nats.url());
    environment.put("STT_MODEL_PATH", TestData.model().toString());
    environment.put("STT_VAD_MODEL_PATH", TestData.vadModel().toString());
    environment.put("STT_HEALTH_PORT", "0");
    environment.putAll(settings);
    return new ServiceProcess(environment, jvmOptions);
  }

  public void awaitReady(Duration timeout) throws IOException {
    try {
      output.awaitMarker(timeout);
    } catch (IOException e) {
      throw new IOException("service not ready: " + e.getMessage(), e);
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
    return output.awaitEnd(timeout);
  }

  /** Everything it printed so far (stdout and stderr). */
  public List<String> output() {
    return output.lines();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
