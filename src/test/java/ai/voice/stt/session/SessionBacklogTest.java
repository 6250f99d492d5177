package ai.voice.stt.session;

import static ai.voice.stt.session.SessionFailureTest.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.StandInRecognizer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A session's utterances waiting for the recognizer are bounded in audio seconds, and that backlog
 * (not the shared queue, which holds one utterance per session) is what admission control and
 * {@code /metrics} see.
 */
class SessionBacklogTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Holds every recognition until the test releases it. */
  private static StandInRecognizer held(CountDownLatch release) {
    return new StandInRecognizer(
        "held",
        samples -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return StandInRecognizer.heard("words");
        });
  }

  /** One utterance: 1 s of speech and 1 s of silence, which ends it. */
  private static void utterance(SessionFixture f, String id) {
    f.registry.route(id, chunk((short) 1000, 16_000));
    f.registry.route(id, chunk((short) 0, 16_000));
  }

  @Test
  void audioBeyondTheSessionBacklogIsRefusedNamedAndKeptInTheTimeline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    StandInRecognizer recognizer = held(release);
    try (SessionFixture f =
        new SessionFixture(
            Map.of("STT_SESSION_BACKLOG_SECONDS", "2", "STT_INFERENCE_WORKERS", "1"),
            recognizer,
            SessionFixture.LOUDNESS)) {
      String id = "s";
      f.registry.route(id, StreamMessage.Start.defaults());
      utterance(f, id); // 0-2 s: one utterance at the recognizer (about 1.6 s of audio)
      utterance(f, id); // 2-4 s: a second one waits; the backlog passes 2 s
      Await.until(() -> f.backlog.seconds() >= 2, WAIT, "backlog above the bound");
      utterance(f, id); // 4-6 s: refused
      // Nothing is published for refused chunks until audio is accepted again, so there is no
      // event to wait for; the session handles two chunks of a trivial VAD in microseconds.
      Thread.sleep(300);
      assertTrue(f.outputs(id).isEmpty(), "nothing published yet: " + f.outputs(id));
      release.countDown();
      Await.until(() -> f.results(id).size() == 2, WAIT, "the backlog recognised");
      f.registry.route(id, chunk((short) 0, 16_000)); // 6-7 s: accepted again
      f.registry.route(id, new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));

      List<OutputMessage.Error> errors = f.errors(id);
      assertEquals(1, errors.size(), "one error for the refused run: " + f.outputs(id));
      assertEquals(ErrorCode.OVERLOADED, errors.getFirst().code());
      assertTrue(errors.getFirst().message().contains("4.00-6.00 s (2 chunks)"), errors.toString());
      assertTrue(errors.getFirst().message().contains("STT_SESSION_BACKLOG_SECONDS"));
      List<OutputMessage.Transcription> results = f.results(id);
      assertEquals(7.0, results.getLast().audioEnd(), 1e-6, "the timeline counts the refusal");
      assertEquals(0, f.backlog.seconds(), 1e-9, "nothing left in the backlog");
    }
  }

  @Test
  void newSessionsAreRefusedWhileOneSessionsUtterancesWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    StandInRecognizer recognizer = held(release);
    try (SessionFixture f =
        new SessionFixture(
            Map.of("STT_INFERENCE_WORKERS", "1"), recognizer, SessionFixture.LOUDNESS)) {
      String id = "talker";
      f.registry.route(id, StreamMessage.Start.defaults());
      for (int i = 0; i < 3; i++) {
        utterance(f, id); // one at the worker, two waiting in the session
      }
      Await.until(() -> f.backlog.waitingUtterances() == 2, WAIT, "two held in the session");
      assertEquals(0, f.inference.queueDepth(), "the shared queue sees none of them");

      f.registry.route("newcomer", StreamMessage.Start.defaults());
      Await.until(() -> !f.errors("newcomer").isEmpty(), WAIT, "the newcomer answered");
      assertEquals(ErrorCode.SERVICE_BUSY, f.errors("newcomer").getFirst().code());
      release.countDown();
      f.registry.route(id, new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
      assertEquals(0, f.backlog.waitingUtterances());
    }
  }
}
