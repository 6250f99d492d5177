package ai.voice.stt.support;

/** Reads one sample of a {@code /metrics} page (Prometheus text format). */
public final class MetricsText {
  private MetricsText() {}

  /** The value of the sample named {@code name} without labels (a counter or gauge); 0 if none. */
  public static long sample(String page, String name) {
    for (String line : page.split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim().split(" ")[0]);
      }
    }
    return 0;
  }
}
