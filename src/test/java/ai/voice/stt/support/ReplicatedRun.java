package ai.voice.stt.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.WordErrorRate;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Sessions streamed against replicated (JetStream) deployments while a fault happens beside them,
 * and what every such session must show afterwards: it went on or ended loudly, never silently;
 * nothing twice; one {@code end_of_stream}; what was lost named with {@code audio_lost}.
 */
public final class ReplicatedRun {
  private static final Duration END_WAIT = Duration.ofSeconds(90);

  private ReplicatedRun() {}

  /**
   * A session's audio: one corpus stream repeated, so that speech goes on after a fault.
   *
   * @param pieceSeconds the length of one repetition
   */
  public record Case(String id, AudioClip clip, String piece, double pieceSeconds, int times) {
    public String reference() {
      return String.join(" ", Collections.nCopies(times, piece));
    }
  }

  /** What one session received. */
  public record Outcome(Case c, List<Received> out) {

    /** As {@link #assertContinuedThroughTheFault}, and the loss was named, once. */
    public void assertLossNamedOnce(double speechAfterSeconds, List<String> serviceLog) {
      List<Received> lost = out.stream().filter(r -> "audio_lost".equals(r.code())).toList();
      assertEquals(1, lost.size(), c.id() + ": one error names the lost audio: " + out);
      System.out.println(c.id() + ": " + lost.getFirst().string("message"));
      assertContinuedThroughTheFault(speechAfterSeconds, serviceLog);
    }

    /**
     * The fault may have cost audio, but never silently: every result once and in order, one {@code
     * end_of_stream} last, at most one {@code audio_lost} error and no other, and the speech of
     * every repetition that began after {@code speechAfterSeconds} (of stream audio) transcribed.
     */
    public void assertContinuedThroughTheFault(double speechAfterSeconds, List<String> serviceLog) {
      String id = c.id();
      List<Received> errors = out.stream().filter(r -> r.type().equals("error")).toList();
      assertTrue(
          errors.stream().allMatch(r -> "audio_lost".equals(r.code())) && errors.size() <= 1,
          id + ": no error but one naming lost audio: " + errors);
      List<Received> results = out.stream().filter(Received::isTranscription).toList();
      for (int seq = 0; seq < results.size(); seq++) {
        assertEquals(
            seq,
            results.get(seq).sequence(),
            id + ": gapless, once: " + results + "\n" + String.join("\n", about(id, serviceLog)));
      }
      assertEquals(1, results.stream().filter(Received::endOfStream).count(), id + ": " + results);
      assertTrue(results.getLast().endOfStream(), id);
      double lastEnd = 0;
      for (Received r : results) {
        assertTrue(r.number("audio_start") >= lastEnd - 1e-6, id + ": timeline " + results);
        lastEnd = r.number("audio_end");
      }
      String all = StreamClient.joinTranscripts(out);
      long longestWait = 0;
      for (int i = 1; i < results.size(); i++) {
        longestWait =
            Math.max(
                longestWait, results.get(i).arrivedNanos() - results.get(i - 1).arrivedNanos());
      }
      // What the fault cost the client in time: the longest wait between two results (a pause in
      // speech of a few seconds is in there too).
      System.out.printf(
          "%-20s WER %5.1f%% longest wait between results %.1f s, errors %s \"%s\"%n",
          id, 100 * WordErrorRate.score(c.reference(), all).rate(), longestWait / 1e9, errors, all);
      int first = (int) Math.ceil(speechAfterSeconds / c.pieceSeconds());
      assertTrue(first < c.times(), id + ": some speech after the fault");
      for (int i = first; i < c.times(); i++) {
        // A result covers audio from where the previous one ended: it belongs to the repetition
        // in which it ends.
        double from = i * c.pieceSeconds() + 0.3;
        double to = (i + 1) * c.pieceSeconds() + 0.3;
        String heard =
            results.stream()
                .filter(r -> r.number("audio_end") > from && r.number("audio_end") <= to)
                .map(Received::transcript)
                .filter(t -> !t.isBlank())
                .collect(Collectors.joining(" "));
        double wer = WordErrorRate.score(c.piece(), heard).rate();
        assertTrue(
            wer <= 0.5,
            id
                + ": repetition "
                + i
                + " (spoken after the fault) transcribed: \""
                + heard
                + "\"\n"
                + results
                + "\n"
                + String.join("\n", tail(serviceLog, 60)));
      }
    }
  }

  /** What the service said about one session (for a failure message). */
  private static List<String> about(String id, List<String> lines) {
    return lines.stream().filter(l -> l.contains(id + ":") || l.contains(id + " ")).toList();
  }

  private static List<String> tail(List<String> lines, int n) {
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  /** A client that keeps reconnecting, as production clients do, and buffers while it is away. */
  public static Connection clientOf(String urls) throws IOException, InterruptedException {
    return Nats.connect(
        Options.builder()
            .servers(urls.split(","))
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .errorListener(new ErrorListener() {})
            .build());
  }

  /**
   * {@code n} sessions, alternating the two corpus streams, each repeated until a repetition starts
   * after {@code speechAfterSeconds}.
   */
  public static List<Case> streams(String prefix, int n, double speechAfterSeconds) {
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestData.Stream s = TestData.stream(i % 2 == 0 ? "multi_utterance" : "multi_utterance_2");
      double piece = s.clip().seconds();
      int times = (int) Math.floor(speechAfterSeconds / piece) + 2;
      cases.add(new Case(prefix + "-" + i, repeat(s.clip(), times), s.reference(), piece, times));
    }
    return cases;
  }

  private static AudioClip repeat(AudioClip clip, int times) {
    byte[] pcm = new byte[clip.pcm().length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(clip.pcm(), 0, pcm, i * clip.pcm().length, clip.pcm().length);
    }
    return new AudioClip(pcm, clip.sampleRate(), clip.channels());
  }

  /** Streams every case at once at {@code options}' pace; {@code during} runs beside them. */
  public static List<Outcome> runAll(
      StreamClient client, List<Case> cases, StreamOptions options, Runnable during)
      throws Exception {
    return runAll(client, cases, options, during, null);
  }

  /**
   * The same, from a client that keeps no buffer while it is disconnected: the chunks it captures
   * meanwhile are lost (each chunk carries its capture time, as clients send it).
   */
  public static List<Outcome> runAllLosingAudioWhileDisconnected(
      StreamClient client,
      Connection connection,
      List<Case> cases,
      StreamOptions options,
      Runnable during)
      throws Exception {
    return runAll(client, cases, options, during, connection);
  }

  private static List<Outcome> runAll(
      StreamClient client,
      List<Case> cases,
      StreamOptions options,
      Runnable during,
      Connection lossy)
      throws Exception {
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<Received>>> futures = new ArrayList<>();
      for (Case c : cases) {
        futures.add(
            clients.submit(
                () -> {
                  try (StreamClient.Session s = client.listen(c.id(), r -> {})) {
                    if (lossy == null) {
                      client.stream(c.id(), c.clip(), options, s);
                    } else {
                      streamLosingWhileDisconnected(client, lossy, c);
                    }
                    return s.awaitEnd(END_WAIT);
                  }
                }));
      }
      Future<?> fault = clients.submit(during);
      List<Outcome> outs = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        outs.add(new Outcome(cases.get(i), futures.get(i).get()));
      }
      fault.get();
      return outs;
    }
  }

  private static void streamLosingWhileDisconnected(
      StreamClient client, Connection connection, Case c) {
    client.send(c.id(), Map.of("type", "start"));
    byte[] pcm = c.clip().pcm();
    int chunkBytes = c.clip().bytesPerMillis(20);
    long next = System.nanoTime();
    for (int offset = 0; offset < pcm.length; offset += chunkBytes) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += 20_000_000L;
      if (connection.getStatus() != Connection.Status.CONNECTED) {
        continue; // captured while the connection is down: gone
      }
      byte[] chunk = Arrays.copyOfRange(pcm, offset, Math.min(pcm.length, offset + chunkBytes));
      client.send(
          c.id(),
          Map.of(
              "type", "chunk", "audio", chunk, "timestamp", System.currentTimeMillis() / 1000.0));
    }
    client.send(c.id(), Map.of("type", "end"));
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
