package ai.voice.stt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine a benchmark ran on. */
final class Machine {
  private Machine() {}

  /** The 1, 5 and 15 minute load averages (other people's work on a shared machine shows here). */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String describe() {
    String cpu = "unknown CPU";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst()
              .orElse(cpu);
    } catch (IOException e) {
      // not Linux: the core count and memory still describe the machine
    }
    long memMiB = Runtime.getRuntime().maxMemory() / (1 << 20);
    return String.format(
        "%s, %d cores, JVM max heap %d MiB, %s %s",
        cpu,
        Runtime.getRuntime().availableProcessors(),
        memMiB,
        System.getProperty("java.vm.name"),
        Runtime.version());
  }
}
