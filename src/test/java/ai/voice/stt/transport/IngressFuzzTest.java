package ai.voice.stt.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.session.MailboxBounds;
import ai.voice.stt.session.SessionEnvironment;
import ai.voice.stt.session.SessionRegistry;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.telemetry.UtteranceRecorder;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of session handling: any sequence of messages, well-formed or not, for a
 * few sessions, through the ingress handler and the session registry with their real actors,
 * segmenter and WebRTC VAD. Only the edges are stand-ins: output is captured instead of going to
 * NATS, and the recognizer answers at once and sometimes fails, with an exception or an {@link
 * Error} as a native library can (the end-to-end tests use the real ones).
 *
 * <p>Properties, checked after every input: nothing fails internally ({@code internal_error}, which
 * a session publishes when any of its own tasks throws), every session's results are numbered
 * without gaps and end with exactly one end-of-stream result, and once every session is ended the
 * registry is empty (nothing is retained).
 */
class IngressFuzzTest {
  private static final int MAX_CHUNK_BYTES = 8_000;
  private static final Duration DRAIN = Duration.ofSeconds(10);
  private static final List<String> SESSIONS = List.of("a", "b", "c");
  private static final List<String> TYPES = List.of("start", "chunk", "state_change", "end");

  private static InferenceScheduler inference;
  private static ExecutorService actors;
  private static ScheduledExecutorService timers;
  private static SttConfig config;

  @BeforeAll
  static void startSharedThreads() {
    config =
        ConfigLoader.load(
            Map.of(
                "STT_MAX_CHUNK_BYTES", Integer.toString(MAX_CHUNK_BYTES),
                "STT_MAX_SESSIONS", "2",
                "STT_BUFFER_SIZE_BYTES", "16000",
                "STT_MAX_SESSION_AUDIO_SECONDS", "2"),
            2);
    inference = new InferenceScheduler(flakyRecognizer(), 8);
    actors = Executors.newVirtualThreadPerTaskExecutor();
    timers = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stopSharedThreads() {
    timers.shutdownNow();
    actors.close();
    inference.close();
  }

  @FuzzTest
  void anyMessageSequenceLeavesEverySessionConsistent(FuzzedDataProvider data) throws Exception {
    ConcurrentLinkedQueue<OutputMessage> published = new ConcurrentLinkedQueue<>();
    SessionRegistry registry =
        new SessionRegistry(
            SessionEnvironment.of(
                config,
                new WebRtcSpeechDetectorFactory(config.streaming().vadAggressiveness()),
                new WebRtcSpeechDetectorFactory(config.streaming().endpointVadAggressiveness()),
                inference,
                published::add,
                UtteranceRecorder.noop(),
                actors,
                timers,
                MailboxBounds.DEFAULT,
                new ai.voice.stt.session.Backlog()));
    IngressHandler ingress = new IngressHandler(new MessageDecoder(MAX_CHUNK_BYTES), registry);

    int messages = data.consumeInt(1, 30);
    for (int i = 0; i < messages && data.remainingBytes() > 0; i++) {
      String session = data.pickValue(SESSIONS);
      ingress.onMessage("ai.voice.stream." + session, message(data, session));
    }
    assertTrue(registry.closeAll("fuzz", DRAIN), "every session ended within " + DRAIN);
    assertEquals(0, registry.activeSessions(), "nothing retained");
    assertConsistent(List.copyOf(published));
  }

  /** A message that is sometimes well formed, sometimes subtly not, sometimes garbage. */
  private static byte[] message(FuzzedDataProvider data, String session) {
    int shape = data.consumeInt(0, 5);
    if (shape == 0) {
      return data.consumeBytes(data.consumeInt(0, 200));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", shape == 5 ? data.consumeString(12) : TYPES.get(shape - 1));
    switch (shape) {
      case 1 -> {
        if (data.consumeBoolean()) {
          m.put("sample_rate", data.pickValue(List.of(8_000, 16_000, 48_000, data.consumeInt())));
        }
        if (data.consumeBoolean()) {
          m.put("channels", data.consumeInt(0, 3));
        }
        if (data.consumeBoolean()) {
          m.put("state", data.pickValue(List.of("listening", "responding", "x")));
        }
        if (data.consumeBoolean()) {
          m.put("session_id", data.consumeBoolean() ? session : data.consumeString(8));
        }
      }
      case 2 -> {
        byte[] pcm = data.consumeBytes(data.consumeInt(0, 4_000));
        if (data.consumeBoolean()) {
          m.put("audio", pcm);
        } else {
          m.put("audio_b64", Base64.getEncoder().encodeToString(pcm));
        }
      }
      case 3 -> m.put("state", data.pickValue(List.of("listening", "responding", "")));
      default -> {}
    }
    return Msgpack.pack(m);
  }

  /**
   * Answers at once; what it says is not what this test is about. It fails for some lengths of
   * audio: recognition failures reach the session as {@code recognizer_error}, never stall it.
   */
  private static StandInRecognizer flakyRecognizer() {
    return new StandInRecognizer(
        "flaky",
        samples -> {
          if (samples.length % 7 == 3) {
            throw new IllegalStateException("recognizer failed (test)");
          }
          if (samples.length % 11 == 5) {
            throw new OutOfMemoryError("recognizer failed (test)");
          }
          return StandInRecognizer.heard("words");
        });
  }

  private static void assertConsistent(List<OutputMessage> published) {
    Map<String, Long> nextSequence = new HashMap<>();
    Map<String, String> stable = new HashMap<>();
    for (OutputMessage message : published) {
      switch (message) {
        case OutputMessage.Error e ->
            assertTrue(e.code() != ErrorCode.INTERNAL, "internal error: " + e.message());
        case OutputMessage.Transcription t -> {
          long expected = nextSequence.getOrDefault(t.sessionId(), 0L);
          assertEquals(expected, t.sequence(), t.sessionId() + ": results without gaps");
          // After its end-of-stream result a session is gone; the same id may open a new one.
          nextSequence.put(t.sessionId(), t.endOfStream() ? 0L : expected + 1);
        }
        case OutputMessage.Interim i -> {
          String utterance = i.sessionId() + "/" + i.utteranceId();
          String before = stable.getOrDefault(utterance, "");
          assertTrue(i.stable().startsWith(before), utterance + ": a stable prefix was revised");
          stable.put(utterance, i.stable());
        }
        case OutputMessage.Interrupt ignored -> {}
        case OutputMessage.Turn ignored -> {}
      }
    }
    nextSequence.forEach(
        (session, next) -> assertEquals(0L, next, session + " ended with an end-of-stream result"));
  }
}
