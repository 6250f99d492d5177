package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-session caps over a real nats-server: a session that sends more audio than {@code
 * STT_MAX_SESSION_AUDIO_SECONDS} (here 4 s) or stays open longer than {@code
 * STT_MAX_SESSION_DURATION} (here 3 s) gets an error with its own code, what it sent before the cap
 * is transcribed, and it ends with an end-of-stream result naming the cap.
 */
class SessionCapsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt =
        ServiceUnderTest.gated(
            Map.of(
                "STT_MAX_SESSION_AUDIO_SECONDS", "4",
                "STT_MAX_SESSION_DURATION", "3",
                "STT_SESSION_IDLE_TIMEOUT", "60"));
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  @Test
  void audioBeyondTheSessionsAudioCapIsRefusedAndTheAcceptedAudioIsTranscribedFirst()
      throws Exception {
    Corpus.Recording recording = TestData.recording("austen_0870"); // 7.1 s, speech throughout
    int chunks = (int) Math.ceil(recording.clip().seconds() / 0.020);
    int acceptedChunks = 4 * 50; // 4 s of 20 ms chunks; the 200th reaches the cap
    // The recognizer waits at the gate, so the session cannot finish while the client is still
    // sending: every message after the cap meets the closing session.
    stt.gate().shut();
    try (StreamClient.Session s = stt.client().listen("capped-audio", r -> {})) {
      stt.client().stream(
          "capped-audio", recording.clip(), StreamOptions.realTime().withSpeed(0), s);
      int afterCap = chunks - acceptedChunks + 1; // the remaining chunks and the end
      Await.until(
          () -> s.received().size() == 1 + afterCap,
          WAIT,
          () -> s.received().size() + " answers before recognition");
      stt.gate().open();
      List<Received> out = s.awaitEnd(WAIT);

      assertEquals("session_audio_limit", out.getFirst().code(), out.getFirst().toString());
      List<Received> refusals = out.subList(1, 1 + afterCap);
      assertTrue(
          refusals.stream().allMatch(r -> "session_closing".equals(r.code())), out::toString);
      List<Received> results = out.subList(1 + afterCap, out.size());
      assertTrue(results.stream().allMatch(Received::isTranscription), results::toString);
      Received last = results.getLast();
      assertTrue(last.endOfStream());
      assertEquals("audio_limit", last.string("end_reason"));
      assertEquals(4.0, last.number("audio_end"), 1e-6, "exactly the capped audio is covered");
      String text = StreamClient.joinTranscripts(results).toLowerCase();
      System.out.println("capped at 4 s: \"" + text + "\"");
      assertTrue(text.contains("dashwood"), "the accepted audio was transcribed: " + text);
      assertTrue(!text.contains("prudently"), "nothing after the cap: " + text);
    }
    // The last result is published before the session leaves the registry: wait for it to.
    Await.until(() -> stt.service().activeSessions() == 0, WAIT, "the ended session is freed");
  }

  @Test
  void aSessionOpenLongerThanTheDurationCapIsEndedAfterItsSpeechIsTranscribed() throws Exception {
    Corpus.Recording recording = TestData.recording("goforward");
    try (StreamClient.Session s = stt.client().listen("capped-duration", r -> {})) {
      // Speech without trailing silence: the utterance is still open when the cap ends it.
      stt.client().send("capped-duration", Map.of("type", "start"));
      stt.client()
          .sendChunks(
              "capped-duration", recording.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> out = s.awaitEnd(WAIT);

      List<Received> errors = out.stream().filter(r -> r.type().equals("error")).toList();
      assertEquals(1, errors.size(), out.toString());
      assertEquals("session_duration_limit", errors.getFirst().code());
      Received last = out.getLast();
      assertTrue(last.endOfStream());
      assertEquals("duration_limit", last.string("end_reason"));
      String text = StreamClient.joinTranscripts(out).toLowerCase();
      assertTrue(text.contains("forward"), "speech before the cap was transcribed: " + text);
    }
  }
}
