package ai.voice.stt.bench;

import ai.voice.stt.tools.ChildOutput;
import ai.voice.stt.tools.ChildStop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A process the benchmark starts (nats-server, the service): waits for a readiness line in its
 * output, samples its CPU time and peak RSS from /proc, stops it with SIGTERM.
 */
final class ChildProcess implements AutoCloseable {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ
  // Enough of the end of its output to say why a child did not become ready.
  private static final int KEPT_LINES = 50;
  private final Process process;
  private final ChildOutput output;

  ChildProcess(List<String> command, Map<String, String> environment, String readyMarker)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    this.process = builder.start();
    this.output = ChildOutput.watch(process, readyMarker, KEPT_LINES);
  }

  void awaitReady(Duration timeout) throws IOException {
    try {
      output.awaitMarker(timeout);
    } catch (IOException e) {
      throw new IOException("process " + process.pid() + " not ready: " + e.getMessage(), e);
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
    ChildStop.terminate(process, Duration.ofSeconds(30));
  }
}
