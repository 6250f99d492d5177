package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.TurnRequests;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-of-turn numbers of docs/benchmarks.md, only when asked ({@code
 * -Dstt.turn.measure=off,transcript,model,both}): for each mode, the 24 spoken requests with a
 * 600–900 ms pause mid-sentence (how many were not ended at the pause: one final for the request),
 * and complete turns (six short answers, the 24 requests said without a pause): the final's arrival
 * after the end of speech, p50 and p90. Streamed in real time, one session at a time.
 */
class EndOfTurnMeasurement {
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(120);
  private static final int[] PAUSES = {600, 700, 800, 900};

  @TempDir static Path speech;

  @Test
  void measureWhenAsked() throws Exception {
    String modes = System.getProperty("stt.turn.measure", "");
    if (modes.isBlank()) {
      return;
    }
    for (String mode : modes.split(",")) {
      try (ServiceUnderTest stt =
          new ServiceUnderTest(
              Map.of(
                  "STT_TURN_DETECTION",
                  mode,
                  "STT_TURN_MODEL_PATH",
                  TestData.turnModel().toString()))) {
        measure(stt, mode);
      }
    }
  }

  private static void measure(ServiceUnderTest stt, String mode) throws Exception {
    int held = 0;
    List<Double> pausedLatency = new ArrayList<>();
    for (int i = 0; i < TurnRequests.REQUESTS.size(); i++) {
      TurnRequests.Request r = TurnRequests.REQUESTS.get(i);
      AudioClip clip = TurnRequests.withPause(r, PAUSES[i % PAUSES.length], 2000, speech);
      Run run = stream(stt, mode + "-p" + i, clip);
      held += run.finals == 1 ? 1 : 0;
      pausedLatency.add(run.latency);
      System.out.printf(
          Locale.ROOT, "TURN %s pause %d finals %d %s%n", mode, i, run.finals, run.text);
    }
    List<Double> complete = new ArrayList<>();
    List<String> turns = new ArrayList<>(TurnRequests.SHORT_ANSWERS);
    TurnRequests.REQUESTS.forEach(r -> turns.add(r.sentence() + "."));
    for (int i = 0; i < turns.size(); i++) {
      Run run = stream(stt, mode + "-c" + i, TurnRequests.sentence(turns.get(i), 2000, speech));
      complete.add(run.latency);
      System.out.printf(
          Locale.ROOT, "TURN %s complete %d %.0f ms %s%n", mode, i, run.latency, run.text);
    }
    System.out.printf(
        Locale.ROOT,
        "TURN RESULT %s: not ended at the pause %d/%d (%.0f %%); complete turns: final after"
            + " speech end p50 %.0f ms p90 %.0f ms (n=%d); paused requests: last final p50 %.0f"
            + " ms%n",
        mode,
        held,
        TurnRequests.REQUESTS.size(),
        100.0 * held / TurnRequests.REQUESTS.size(),
        percentile(complete, 50),
        percentile(complete, 90),
        complete.size(),
        percentile(pausedLatency, 50));
  }

  private record Run(int finals, String text, double latency) {}

  /** Streams in real time; the latency is the last spoken final's arrival after speech ended. */
  private static Run stream(ServiceUnderTest stt, String id, AudioClip clip) throws Exception {
    double speechEnd = speechEndSeconds(clip);
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      Map<String, Object> start = new LinkedHashMap<>();
      start.put("type", "start");
      start.put("sample_rate", clip.sampleRate());
      stt.client().send(id, start);
      long t0 = System.nanoTime();
      stt.client().sendChunks(id, clip, StreamOptions.realTime(), session);
      Await.until(() -> !spoken(session.received()).isEmpty(), RESULT_TIMEOUT, "a final of " + id);
      stt.client().send(id, Map.of("type", "end"));
      List<Received> out = session.awaitEnd(RESULT_TIMEOUT);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      List<Received> finals = spoken(out);
      double latency = (finals.getLast().arrivedNanos() - t0) / 1e6 - speechEnd * 1000;
      return new Run(finals.size(), StreamClient.joinTranscripts(out), latency);
    }
  }

  private static List<Received> spoken(List<Received> out) {
    return out.stream()
        .filter(r -> r.isTranscription() && r.isFinal() && !r.transcript().isBlank())
        .toList();
  }

  /** The end of the last 10 ms window louder than -40 dBFS. */
  static double speechEndSeconds(AudioClip clip) {
    byte[] pcm = clip.pcm();
    int window = clip.sampleRate() / 100;
    double threshold = 32768 * Math.pow(10, -40 / 20.0);
    for (int start = pcm.length / 2 - window; start >= 0; start -= window) {
      double sum = 0;
      for (int i = 0; i < window; i++) {
        int b = 2 * (start + i);
        short s = (short) ((pcm[b] & 0xff) | (pcm[b + 1] << 8));
        sum += (double) s * s;
      }
      if (Math.sqrt(sum / window) > threshold) {
        return (start + window) / (double) clip.sampleRate();
      }
    }
    return 0;
  }

  private static double percentile(List<Double> values, double p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }
}
