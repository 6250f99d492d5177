package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.NonSpeech;
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
 * -Dstt.turn.measure=off,transcript,model,both}, and optionally settings for every mode, {@code
 * -Dstt.turn.env=STT_SPECULATE_AFTER_MS=90}, the voice, {@code -Dstt.turn.voice=neural} for Piper's
 * instead of espeak-ng's, and {@code -Dstt.turn.floorDb=-70} for a microphone's noise floor instead
 * of pauses of digital silence, decisions/0037): for each mode, the 24 spoken requests with a
 * 600–900 ms pause mid-sentence (how many were not ended at the pause: one final for the request),
 * and complete turns (six short answers, the 24 requests said without a pause): the final's and the
 * end_of_turn event's arrival after the end of speech, p50 and p90 (sessions ask for turn events;
 * off publishes none). Streamed in real time, one session at a time.
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
    // Settings beside the mode, the same for every mode: -Dstt.turn.env=NAME=VALUE;NAME=VALUE.
    Map<String, String> extra = new LinkedHashMap<>();
    for (String setting : System.getProperty("stt.turn.env", "").split(";")) {
      if (!setting.isBlank()) {
        String[] kv = setting.split("=", 2);
        extra.put(kv[0].strip(), kv[1].strip());
      }
    }
    TurnRequests.Voice voice =
        TurnRequests.Voice.valueOf(
            System.getProperty("stt.turn.voice", "espeak").toUpperCase(Locale.ROOT));
    for (String mode : modes.split(",")) {
      Map<String, String> env = new LinkedHashMap<>(extra);
      env.put("STT_TURN_DETECTION", mode);
      env.put("STT_TURN_MODEL_PATH", TestData.turnModel().toString());
      try (ServiceUnderTest stt = new ServiceUnderTest(env)) {
        measure(stt, voice, (extra.isEmpty() ? mode : mode + " " + extra) + " " + voice);
      }
    }
  }

  private static void measure(ServiceUnderTest stt, TurnRequests.Voice voice, String mode)
      throws Exception {
    String ids = mode.replaceAll("[^A-Za-z0-9]", "-");
    int held = 0;
    List<Double> pausedLatency = new ArrayList<>();
    for (int i = 0; i < TurnRequests.REQUESTS.size(); i++) {
      TurnRequests.Request r = TurnRequests.REQUESTS.get(i);
      AudioClip clip = TurnRequests.withPause(r, PAUSES[i % PAUSES.length], 2000, speech, voice);
      Run run = stream(stt, ids + "-p" + i, clip);
      held += run.finals == 1 ? 1 : 0;
      pausedLatency.add(run.latency);
      System.out.printf(
          Locale.ROOT, "TURN %s pause %d finals %d %s%n", mode, i, run.finals, run.text);
    }
    List<Double> complete = new ArrayList<>();
    List<Double> endOfTurn = new ArrayList<>();
    int early = 0;
    List<String> turns = new ArrayList<>(TurnRequests.SHORT_ANSWERS);
    TurnRequests.REQUESTS.forEach(r -> turns.add(r.sentence() + "."));
    for (int i = 0; i < turns.size(); i++) {
      Run run =
          stream(stt, ids + "-c" + i, TurnRequests.sentence(turns.get(i), 2000, speech, voice));
      complete.add(run.latency);
      if (!Double.isNaN(run.endOfTurn)) {
        endOfTurn.add(run.endOfTurn);
      }
      early += run.early ? 1 : 0;
      System.out.printf(
          Locale.ROOT,
          "TURN %s complete %d final %.0f ms end_of_turn %.0f ms%s %s%n",
          mode,
          i,
          run.latency,
          run.endOfTurn,
          run.early ? " (early)" : "",
          run.text);
    }
    System.out.printf(
        Locale.ROOT,
        "TURN RESULT %s: not ended at the pause %d/%d (%.0f %%); complete turns: final after"
            + " speech end p50 %.0f ms p90 %.0f ms (n=%d), end_of_turn p50 %.0f ms p90 %.0f ms"
            + " (n=%d, %d early), short answers' final p50 %.0f ms; paused requests: last final"
            + " p50 %.0f ms%n",
        mode,
        held,
        TurnRequests.REQUESTS.size(),
        100.0 * held / TurnRequests.REQUESTS.size(),
        percentile(complete, 50),
        percentile(complete, 90),
        complete.size(),
        percentile(endOfTurn, 50),
        percentile(endOfTurn, 90),
        endOfTurn.size(),
        early,
        percentile(complete.subList(0, TurnRequests.SHORT_ANSWERS.size()), 50),
        percentile(pausedLatency, 50));
  }

  /**
   * @param latency the last spoken final's arrival after speech ended, ms
   * @param endOfTurn the end_of_turn event's arrival after speech ended, ms; NaN when none came
   * @param early the end_of_turn said the turn ended before the silence rules would have
   */
  private record Run(int finals, String text, double latency, double endOfTurn, boolean early) {}

  /** Streams in real time, asking for turn events. */
  private static Run stream(ServiceUnderTest stt, String id, AudioClip said) throws Exception {
    AudioClip clip = withFloor(said, id);
    double speechEnd = speechEndSeconds(clip);
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      Map<String, Object> start = new LinkedHashMap<>();
      start.put("type", "start");
      start.put("sample_rate", clip.sampleRate());
      start.put("turn_events", true);
      stt.client().send(id, start);
      long t0 = System.nanoTime();
      stt.client().sendChunks(id, clip, StreamOptions.realTime(), session);
      Await.until(() -> !spoken(session.received()).isEmpty(), RESULT_TIMEOUT, "a final of " + id);
      stt.client().send(id, Map.of("type", "end"));
      List<Received> out = session.awaitEnd(RESULT_TIMEOUT);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      List<Received> finals = spoken(out);
      double latency = (finals.getLast().arrivedNanos() - t0) / 1e6 - speechEnd * 1000;
      List<Received> ends = out.stream().filter(r -> r.type().equals("end_of_turn")).toList();
      double endOfTurn =
          ends.isEmpty()
              ? Double.NaN
              : (ends.getLast().arrivedNanos() - t0) / 1e6 - speechEnd * 1000;
      boolean early = !ends.isEmpty() && Boolean.TRUE.equals(ends.getLast().fields().get("early"));
      return new Run(finals.size(), StreamClient.joinTranscripts(out), latency, endOfTurn, early);
    }
  }

  private static List<Received> spoken(List<Received> out) {
    return out.stream()
        .filter(r -> r.isTranscription() && r.isFinal() && !r.transcript().isBlank())
        .toList();
  }

  /**
   * With -Dstt.turn.floorDb=DB (e.g. -70), the clip with a microphone's noise floor added: white
   * noise of that RMS from a seed of the session id, so the pauses are not digital silence (which
   * no microphone sends, and which decisions/0037 cuts to 100 ms before recognition). Without it,
   * the clip as synthesized.
   */
  static AudioClip withFloor(AudioClip clip, String id) {
    String floor = System.getProperty("stt.turn.floorDb", "");
    return floor.isBlank()
        ? clip
        : NonSpeech.withFloor(clip, Double.parseDouble(floor), id.hashCode());
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
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }
}
