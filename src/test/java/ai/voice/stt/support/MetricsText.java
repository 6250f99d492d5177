package ai.voice.stt.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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

  /** The {@code /metrics} page of a service whose health server listens on {@code port}. */
  public static String scrape(int port) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("/metrics answered " + response.statusCode());
      }
      return response.body();
    }
  }
}
