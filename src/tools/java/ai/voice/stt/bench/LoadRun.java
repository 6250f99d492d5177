package ai.voice.stt.bench;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.recognizer.TranscriptCleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * N callers streaming their conversations at real-time pace in 20 ms chunks, concurrently, through
 * the running service; measures every utterance from the client's side.
 */
final class LoadRun {
  static final int CHUNK_MS = 20;

  private final StreamClient client;
  private final double endpointSeconds;
  private final double trailingSeconds;
  private final boolean interim;
  private final boolean turnEvents;

  /**
   * @param endpointSeconds the service's end-pointing silence
   * @param trailingSeconds silence the service keeps after the last voiced frame
   */
  LoadRun(StreamClient client, double endpointSeconds, double trailingSeconds) {
    this(client, endpointSeconds, trailingSeconds, false, false);
  }

  /**
   * @param interim the sessions ask for interim results
   * @param turnEvents the sessions ask for end-of-turn events, so their turns are judged
   *     (decisions/0026)
   */
  LoadRun(
      StreamClient client,
      double endpointSeconds,
      double trailingSeconds,
      boolean interim,
      boolean turnEvents) {
    this.client = client;
    this.endpointSeconds = endpointSeconds;
    this.trailingSeconds = trailingSeconds;
    this.interim = interim;
    this.turnEvents = turnEvents;
  }

  /**
   * What one utterance cost.
   *
   * @param finalLatency end of the utterance's audio sent → its final result received
   * @param firstLatency end of the utterance's audio sent → its first result received
   * @param afterEndpoint end-point reached (the moment the service can know the utterance ended) →
   *     final received: the service's own share of the latency
   * @param speechEndToFinal the chunk holding the utterance's last voiced sample sent → its final
   *     received: what a user waits for after they stop talking
   * @param firstInterim the chunk holding its first voiced sample sent → its first interim received
   *     (NaN without interims)
   * @param stableLag mean over its interims of: interim received − when the audio its stable prefix
   *     reaches was sent (the prefix's place in the heard audio in proportion to its words); NaN
   *     when no interim had stable words
   * @param finals how many results with words the utterance (one recorded sentence) was cut into
   * @param coveringEnd the chunk holding its last voiced sample sent → the first text that reaches
   *     its last word (an interim whose words align with the whole reference, {@link
   *     WordErrorRate#reachesEnd}, as the WhisperLive peer is measured; or the final)
   * @param endsSentence its final ends with {@code .}, {@code ?} or {@code !}: the service may end
   *     it after the shorter sentence-end silence (adaptive end-pointing)
   */
  record UtteranceMeasure(
      String session,
      String name,
      double finalLatency,
      double firstLatency,
      double afterEndpoint,
      double inference,
      double queue,
      double wer,
      double speechEndToFinal,
      double firstInterim,
      double stableLag,
      int finals,
      double coveringEnd,
      boolean endsSentence) {}

  /** Everything measured for one session. */
  record SessionOutcome(
      List<UtteranceMeasure> utterances, int lostUtterances, int errors, boolean complete) {}

  List<SessionOutcome> run(List<Conversation> conversations, Duration timeout) throws Exception {
    List<Future<SessionOutcome>> futures = new ArrayList<>();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < conversations.size(); i++) {
        String id = "bench-" + i + "-" + System.nanoTime();
        Conversation c = conversations.get(i);
        // Spread the callers' starts over a pause so their utterances do not end in lock-step.
        long delayNanos = (long) (i * 1.3e9 / conversations.size());
        futures.add(callers.submit(() -> caller(id, c, delayNanos, timeout)));
      }
      List<SessionOutcome> outcomes = new ArrayList<>();
      for (Future<SessionOutcome> f : futures) {
        outcomes.add(f.get());
      }
      return outcomes;
    }
  }

  private SessionOutcome caller(String id, Conversation c, long delayNanos, Duration timeout)
      throws Exception {
    LockSupport.parkNanos(delayNanos);
    return converse(id, c, timeout);
  }

  /** One caller's whole conversation at real-time pace: start, 20 ms chunks, end, results. */
  SessionOutcome converse(String id, Conversation c, Duration timeout) throws Exception {
    byte[] pcm = c.clip().pcm();
    int chunkBytes = c.clip().bytesPerMillis(CHUNK_MS);
    long[] sentAt = new long[(pcm.length + chunkBytes - 1) / chunkBytes];
    try (StreamClient.Session session = client.listen(id, r -> {})) {
      Map<String, Object> start = new LinkedHashMap<>();
      start.put("type", "start");
      start.put("sample_rate", 16_000);
      start.put("channels", 1);
      if (interim) {
        start.put("interim_results", true);
      }
      if (turnEvents) {
        start.put("turn_events", true);
      }
      client.send(id, start);
      long next = System.nanoTime();
      for (int i = 0; i < sentAt.length; i++) {
        int from = i * chunkBytes;
        byte[] chunk =
            java.util.Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + chunkBytes));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "chunk");
        message.put("audio_b64", Base64.getEncoder().encodeToString(chunk));
        message.put("timestamp", System.currentTimeMillis() / 1000.0);
        LockSupport.parkNanos(next - System.nanoTime());
        next += CHUNK_MS * 1_000_000L;
        client.send(id, message);
        sentAt[i] = System.nanoTime();
      }
      client.send(id, Map.of("type", "end"));
      List<Received> out;
      try {
        out = session.awaitEnd(timeout);
      } catch (TimeoutException e) {
        return new SessionOutcome(List.of(), c.utterances().size(), 0, false);
      }
      return measure(id, c, out, sentAt);
    }
  }

  private SessionOutcome measure(String id, Conversation c, List<Received> out, long[] sentAt) {
    List<Received> results = out.stream().filter(Received::isTranscription).toList();
    int errors = (int) out.stream().filter(r -> r.type().equals("error")).count();
    boolean gapless = true;
    for (int i = 0; i < results.size(); i++) {
      gapless &= results.get(i).sequence() == i;
    }
    List<UtteranceMeasure> measures = new ArrayList<>();
    int lost = 0;
    for (Conversation.Utterance u : c.utterances()) {
      List<Received> covering =
          results.stream()
              .filter(r -> !r.transcript().isBlank())
              .filter(r -> overlaps(r, u))
              .toList();
      Received fin = covering.stream().filter(Received::isFinal).reduce((a, b) -> b).orElse(null);
      if (fin == null) {
        lost++;
        continue;
      }
      long audioSent = sentAt(sentAt, u.end());
      double endpointAt = fin.number("audio_end") + endpointSeconds - trailingSeconds;
      String text = String.join(" ", covering.stream().map(Received::transcript).toList());
      List<Received> interims =
          out.stream().filter(r -> r.type().equals("interim")).filter(r -> overlaps(r, u)).toList();
      measures.add(
          new UtteranceMeasure(
              id,
              u.name(),
              (fin.arrivedNanos() - audioSent) / 1e9,
              (covering.getFirst().arrivedNanos() - audioSent) / 1e9,
              (fin.arrivedNanos() - sentAt(sentAt, endpointAt)) / 1e9,
              covering.stream().mapToDouble(r -> r.number("processing_time")).sum(),
              covering.stream().mapToDouble(r -> r.number("queue_time")).sum(),
              WordErrorRate.rate(u.reference(), text),
              (fin.arrivedNanos() - sentAt(sentAt, u.speechEnd())) / 1e9,
              interims.isEmpty()
                  ? Double.NaN
                  : (interims.getFirst().arrivedNanos() - sentAt(sentAt, u.speechStart())) / 1e9,
              stableLag(interims, sentAt),
              (int) covering.stream().filter(r -> r.isFinal() || r.isPartial()).count(),
              (Math.min(
                          fin.arrivedNanos(),
                          interims.stream()
                              .filter(r -> WordErrorRate.reachesEnd(u.reference(), r.transcript()))
                              .mapToLong(Received::arrivedNanos)
                              .min()
                              .orElse(Long.MAX_VALUE))
                      - sentAt(sentAt, u.speechEnd()))
                  / 1e9,
              TranscriptCleaner.endsSentence(fin.transcript())));
    }
    boolean complete = gapless && !results.isEmpty() && results.getLast().endOfStream();
    return new SessionOutcome(measures, lost, errors, complete);
  }

  /** Mean over interims with stable words of: arrival − when the audio they reach was sent. */
  private static double stableLag(List<Received> interims, long[] sentAt) {
    double sum = 0;
    int n = 0;
    for (Received r : interims) {
      int stable = words(r.string("stable"));
      int all = words(r.string("transcript"));
      if (stable == 0 || all == 0) {
        continue;
      }
      double start = r.number("audio_start");
      double reached = start + (r.number("audio_end") - start) * stable / all;
      sum += (r.arrivedNanos() - sentAt(sentAt, reached)) / 1e9;
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static int words(String text) {
    return text == null || text.isBlank() ? 0 : text.strip().split("\\s+").length;
  }

  private static boolean overlaps(Received r, Conversation.Utterance u) {
    return r.number("audio_start") < u.end() + 0.3 && r.number("audio_end") > u.start();
  }

  /** When the chunk holding stream time {@code seconds} was sent. */
  private static long sentAt(long[] sentAt, double seconds) {
    int index =
        (int) Math.min(sentAt.length - 1, Math.max(0, Math.floor(seconds * 1000 / CHUNK_MS)));
    return sentAt[index];
  }
}
