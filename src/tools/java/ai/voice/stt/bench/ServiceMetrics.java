package ai.voice.stt.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads counters off the service's {@code /metrics} page (Prometheus text) after a run. */
final class ServiceMetrics {
  private ServiceMetrics() {}

  static String scrape(int healthPort) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics"))
              .timeout(Duration.ofSeconds(10))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  /**
   * The sum of the samples of {@code name} whose labels contain {@code label} (any, when empty);
   * NaN when there is none.
   */
  static double value(String text, String name, String label) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      if (!label.isEmpty() && !line.contains(label)) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      sum += Double.parseDouble(parts[parts.length - 1]);
      found = true;
    }
    return found ? sum : Double.NaN;
  }
}
