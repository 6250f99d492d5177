package ai.voice.stt.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * A process the benchmark starts (nats-server, the service): waits for a readiness line in its
 * output, samples its CPU time and peak RSS from /proc, stops it with SIGTERM.
 */
final class ChildProcess implements AutoCloseable {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ
  private final Process process;
  private final ConcurrentLinkedDeque<String> lastLines = new ConcurrentLinkedDeque<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  ChildProcess(List<String> command, Map<String, String> environment, String readyMarker)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
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
                  lastLines.addLast(line);
                  if (lastLines.size() > 50) {
                    lastLines.pollFirst();
                  }
                  if (line.contains(readyMarker)) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
              ready.completeExceptionally(new IOException("exited before it was ready"));
            });
  }

  void awaitReady(Duration timeout) throws IOException {
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException(
          "process " + process.pid() + " not ready: " + e + "\n" + String.join("\n", lastLines), e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** User + system CPU seconds used so far. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[11] = utime, fields[12] = stime (man 5 proc, counted from the state field)
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
        / (double) CLOCK_TICKS_PER_SECOND;
  }

  /** Resident set size now, in MiB (VmRSS). */
  double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /** Peak resident set size in MiB (VmHWM). */
  double peakRssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
