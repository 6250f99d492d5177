package ai.voice.stt.session;

import static ai.voice.stt.session.SessionFailureTest.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Audio refused because the session's mailbox was full still takes its place in the session's
 * timeline: the client is told which stretch was not accepted, the utterance in progress is cut
 * before the gap, and every later {@code audio_start}/{@code audio_end} stays true to the stream.
 */
class RefusedAudioTest {
  // One second of the default format, 16 kHz mono PCM16: the chunks these tests send.
  static final int ONE_SECOND_BYTES = 32_000;

  @Test
  void refusedChunksAreNamedAndCountedInTheTimeline() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SpeechDetectorFactory stalling = stallingUntil(stalled, release);
    try (SessionFixture f =
        new SessionFixture(
            Map.of(),
            StandInRecognizer.saying("words"),
            stalling,
            16,
            new MailboxBounds(4 * ONE_SECOND_BYTES, 16))) {
      String id = "s";
      f.registry.route(id, StreamMessage.Start.defaults());
      f.registry.route(id, chunk((short) 1000, 16_000)); // 0-1 s; the actor stalls in its VAD
      stalled.await();
      for (int i = 0; i < 4; i++) {
        f.registry.route(id, chunk((short) 1000, 16_000)); // 1-5 s fill the mailbox (4 s of audio)
      }
      f.registry.route(id, chunk((short) 1000, 16_000)); // 5-6 s refused
      f.registry.route(id, chunk((short) 1000, 16_000)); // 6-7 s refused
      release.countDown();
      Thread.sleep(200);
      f.registry.route(id, chunk((short) 0, 16_000)); // 7-8 s, accepted
      f.registry.route(id, new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(Duration.ofSeconds(10)));

      List<OutputMessage.Error> errors = f.errors(id);
      assertEquals(1, errors.size(), "one error for the refused stretch: " + f.outputs(id));
      assertEquals(ErrorCode.OVERLOADED, errors.getFirst().code());
      assertTrue(errors.getFirst().message().contains("5.00-7.00 s"), errors.getFirst().message());
      List<OutputMessage.Transcription> results = f.results(id);
      OutputMessage.Transcription first = results.getFirst();
      assertEquals(0.0, first.audioStart(), 0.05);
      assertTrue(first.audioEnd() <= 5.0 + 1e-9, "the utterance ends before the gap: " + first);
      assertEquals(8.0, results.getLast().audioEnd(), 1e-6, "the timeline counts the gap");
    }
  }

  @Test
  void aMailboxFullOfAudioStillTakesStateChangeAndEnd() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (SessionFixture f =
        new SessionFixture(
            Map.of(),
            StandInRecognizer.saying("words"),
            stallingUntil(stalled, release),
            16,
            new MailboxBounds(4 * ONE_SECOND_BYTES, 16))) {
      String id = "s";
      f.registry.route(id, StreamMessage.Start.defaults());
      f.registry.route(id, chunk((short) 1000, 16_000)); // 0-1 s; the actor stalls in its VAD
      stalled.await();
      for (int i = 0; i < 4; i++) {
        f.registry.route(id, chunk((short) 1000, 16_000)); // 1-5 s fill the mailbox's audio
      }
      f.registry.route(id, chunk((short) 1000, 16_000)); // 5-6 s refused
      f.registry.route(id, new StreamMessage.StateChange(SessionState.RESPONDING));
      f.registry.route(id, new StreamMessage.End());
      release.countDown();
      assertTrue(f.registry.awaitAllClosed(Duration.ofSeconds(10)));

      List<OutputMessage.Error> errors = f.errors(id);
      assertEquals(1, errors.size(), "only the refused chunk is reported: " + f.outputs(id));
      assertEquals(ErrorCode.OVERLOADED, errors.getFirst().code());
      assertTrue(errors.getFirst().message().contains("5.00-6.00 s"), errors.getFirst().message());
      List<OutputMessage.Transcription> results = f.results(id);
      OutputMessage.Transcription last = results.getLast();
      assertEquals(Optional.of("end"), last.endReason(), "the session ended on its end: " + last);
      assertEquals(
          1, results.stream().filter(OutputMessage.Transcription::endOfStream).count(), "once");
      assertEquals(SessionState.RESPONDING, last.state(), "the state_change was applied");
    }
  }

  /**
   * A VAD that holds the session's frames until {@code release}, counting {@code stalled} down when
   * it first does: the session's mailbox fills meanwhile.
   */
  private static SpeechDetectorFactory stallingUntil(
      CountDownLatch stalled, CountDownLatch release) {
    return () ->
        new SpeechDetector() {
          @Override
          public boolean isSpeech(short[] frame) {
            stalled.countDown();
            try {
              release.await(); // the session is busy until the test lets it go
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return frame[0] != 0;
          }

          @Override
          public void close() {}
        };
  }
}
