package ai.voice.stt.session;

import static ai.voice.stt.session.SessionFailureTest.chunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.RecognizerCall;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.support.StoppableRecognizer;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Results before the end-point: a speculative final recognised while the pause is still short,
 * adaptive end-pointing after a finished sentence, and opt-in interim results; with a stand-in
 * recognizer that says how much audio it was given, and a VAD that hears speech wherever the audio
 * is not silent.
 */
class EarlyResultsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A recognizer that records the length of each call's audio and answers {@code say(length)}. */
  private static final class Recording {
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    final StandInRecognizer recognizer;

    Recording(Function<Integer, String> say) {
      recognizer =
          new StandInRecognizer(
              "recording",
              samples -> {
                calls.add(samples.length);
                return StandInRecognizer.heard(say.apply(samples.length));
              });
    }
  }

  private static StreamMessage.Start start(boolean interim) {
    return new StreamMessage.Start(
        16_000,
        1,
        SessionState.LISTENING,
        Optional.empty(),
        Optional.empty(),
        Optional.of(interim));
  }

  private static int ms(int millis) {
    return millis * 16;
  }

  @Test
  void theSpeculativeRecognitionOfAPauseThatEndsTheUtteranceIsItsFinal() throws Exception {
    Recording recognizer = new Recording(samples -> "and then " + samples);
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS)) {
      f.registry.route("s", chunk((short) 1000, ms(1000)));
      f.registry.route("s", chunk((short) 0, ms(300))); // the audio is fixed after 210 ms
      Await.until(() -> recognizer.calls.size() == 1, WAIT, "recognised before the end-point");
      assertTrue(f.results("s").isEmpty(), "nothing published before the end-point");
      f.registry.route("s", chunk((short) 0, ms(700)));
      Await.until(() -> f.results("s").size() == 1, WAIT, "the final");
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));

      assertEquals(1, recognizer.calls.size(), "one recognition: the speculative one was used");
      OutputMessage.Transcription fin = f.results("s").getFirst();
      assertTrue(fin.isFinal());
      assertEquals("and then " + recognizer.calls.getFirst(), fin.transcript());
    }
  }

  /** An end-pointing VAD stricter than {@link SessionFixture#LOUDNESS}: loud frames only. */
  private static final SpeechDetectorFactory LOUD_ONLY =
      () ->
          new ai.voice.stt.vad.SpeechDetector() {
            @Override
            public boolean isSpeech(short[] frame) {
              return frame[0] >= 1000;
            }

            @Override
            public void close() {}
          };

  private static StreamMessage.Start startWithTurnEvents() {
    return new StreamMessage.Start(
        16_000,
        1,
        SessionState.LISTENING,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        false,
        true);
  }

  @Test
  void aSessionWhoseTurnsAreJudgedSpeculatesSoonerAndAgainWhenTheFinalWouldNotTakeIt()
      throws Exception {
    // Turn events and STT_TURN_SPECULATE_AFTER_MS=90: the pause is looked at 90 ms in. A soft tail
    // only the onset VAD hears follows that look, so the final (which keeps 210 ms of the pause)
    // would not take its answer: at 210 ms the pause is offered again, and the final takes that
    // answer, recognised before the end-point rather than after it.
    Recording recognizer = new Recording(samples -> "and then " + samples);
    try (SessionFixture f =
        new SessionFixture(
            Map.of("STT_TURN_SPECULATE_AFTER_MS", "90"),
            recognizer.recognizer,
            SessionFixture.LOUDNESS,
            LOUD_ONLY)) {
      f.registry.route("s", startWithTurnEvents());
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", chunk((short) 0, ms(90)));
      Await.until(() -> recognizer.calls.size() == 1, WAIT, "the look 90 ms into the pause");
      assertEquals(ms(990 + 90), recognizer.calls.getFirst(), "the audio up to the look");
      f.registry.route("s", chunk((short) 100, ms(60))); // heard by the onset VAD alone
      f.registry.route("s", chunk((short) 0, ms(150)));
      Await.until(() -> recognizer.calls.size() == 2, WAIT, "offered again at 210 ms");
      assertEquals(ms(990 + 210), recognizer.calls.get(1), "the final's audio exactly");
      assertTrue(f.results("s").isEmpty(), "both before the end-point");
      f.registry.route("s", chunk((short) 0, ms(2000))); // no sentence end: the 600 ms end-point
      Await.until(() -> !f.results("s").isEmpty(), WAIT, "the final");
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));

      assertEquals(2, recognizer.calls.size(), "the final took the second answer");
      assertEquals("and then " + ms(990 + 210), f.results("s").getFirst().transcript());
    }
  }

  /**
   * One worker; its first call runs until {@code release} even if stopped (a decode between two of
   * whisper.cpp's abort checks keeps its worker a while), every call hears "Stop here.".
   */
  private static final class FirstCallWaits extends StoppableRecognizer {
    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> calls = new CopyOnWriteArrayList<>();

    FirstCallWaits() {
      super(1);
    }

    @Override
    protected Transcript answer(float[] samples, boolean background, RecognizerCall call)
        throws RecognitionException {
      calls.add(samples.length);
      if (calls.size() == 1) {
        try {
          release.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (call.aborted()) {
          throw aborted();
        }
      }
      return StandInRecognizer.heard("Stop here.");
    }
  }

  @Test
  void aSoonerLookTheSecondCannotReplaceStillJudgesThePause() throws Exception {
    // The second look at 210 ms finds the only worker busy with the first, which stays: its
    // words ("Stop here.", a complete turn) end the pause its start held open. Had it been
    // dropped, nothing would judge the pause and it would wait the whole hold (10 s here, on the
    // stream's frames and on the wall clock; the chunk timeout is a minute).
    FirstCallWaits recognizer = new FirstCallWaits();
    try (SessionFixture f =
        new SessionFixture(
            Map.of(
                "STT_TURN_SPECULATE_AFTER_MS", "90",
                "STT_TURN_HOLD_MS", "10000",
                "STT_CHUNK_TIMEOUT", "60"),
            recognizer,
            SessionFixture.LOUDNESS,
            LOUD_ONLY)) {
      f.registry.route("s", startWithTurnEvents());
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", chunk((short) 0, ms(90)));
      Await.until(() -> recognizer.calls.size() == 1, WAIT, "the look 90 ms into the pause");
      f.registry.route("s", chunk((short) 100, ms(60))); // heard by the onset VAD alone
      f.registry.route("s", chunk((short) 0, ms(240))); // past 210 ms: the second look is due
      Thread.sleep(200); // lets the session reach 210 ms first; passes either way if it has not
      recognizer.release.countDown();
      Await.until(
          () -> !f.results("s").isEmpty(),
          Duration.ofSeconds(5),
          "the final, well before the 10 s hold");
      assertEquals("Stop here.", f.results("s").getFirst().transcript());
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
    }
  }

  @Test
  void aSessionThatDidNotAskForTurnsSpeculatesAt210MsAsBefore() throws Exception {
    Recording recognizer = new Recording(samples -> "and then " + samples);
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS, LOUD_ONLY)) {
      // A pause the end-pointing VAD hears as such, in sound rather than exact zeros (which
      // RecognizerInput would cut to 100 ms), so the length shows where the look was taken.
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", chunk((short) 100, ms(240)));
      Await.until(() -> recognizer.calls.size() == 1, WAIT, "the speculative recognition");
      assertEquals(ms(990 + 210), recognizer.calls.getFirst(), "one look, at 210 ms");
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
    }
  }

  @Test
  void aSpeculativeResultIsDiscardedWhenSpeechResumes() throws Exception {
    Recording recognizer = new Recording(samples -> "and then " + samples);
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS)) {
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", chunk((short) 0, ms(300)));
      Await.until(() -> recognizer.calls.size() == 1, WAIT, "speculative recognition");
      f.registry.route("s", chunk((short) 1000, ms(990))); // the pause was not the end
      f.registry.route("s", chunk((short) 0, ms(1000)));
      Await.until(() -> f.results("s").size() == 1, WAIT, "the final");
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));

      List<OutputMessage.Transcription> results = f.results("s");
      assertEquals(2, results.size(), "one final and the empty end-of-stream: " + results);
      int published = Integer.parseInt(results.getFirst().transcript().substring(9));
      assertTrue(
          published > ms(2000), "the final is the whole utterance, both stretches: " + published);
      assertEquals(
          recognizer.calls.getLast(), published, "recognised again, the first answer discarded");
      assertTrue(
          recognizer.calls.getFirst() < ms(1300), "the first run had only the first stretch");
    }
  }

  @Test
  void aPauseAfterAFinishedSentenceEndsTheUtteranceSooner() throws Exception {
    Recording recognizer = new Recording(samples -> "Stop here.");
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS)) {
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", chunk((short) 0, ms(330))); // shorter than the 600 ms end-point
      Await.until(() -> f.results("s").size() == 1, WAIT, "a final after 300 ms of silence");
      assertEquals("Stop here.", f.results("s").getFirst().transcript());
      assertEquals(1, recognizer.calls.size());
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
    }
  }

  @Test
  void aPauseInsideASentenceWaitsForTheFullEndPoint() throws Exception {
    Recording recognizer = new Recording(samples -> "and then");
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS)) {
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", chunk((short) 0, ms(330)));
      Await.until(() -> recognizer.calls.size() == 1, WAIT, "speculative recognition");
      f.registry.route("s", chunk((short) 1000, ms(990)));
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
      List<OutputMessage.Transcription> results = f.results("s");
      assertEquals(1, results.size(), "one utterance, not cut at the pause: " + results);
      assertTrue(results.getFirst().endOfStream());
    }
  }

  @Test
  void interimResultsReviseTheOpenUtteranceAndItsFinalReplacesThem() throws Exception {
    String sentence = "he was not an ill disposed young man";
    // One more word for every quarter of a second of audio.
    Recording recognizer =
        new Recording(
            samples -> {
              String[] words = sentence.split(" ");
              return String.join(
                  " ", List.of(words).subList(0, Math.min(words.length, samples / ms(250))));
            });
    try (SessionFixture f =
        new SessionFixture(
            Map.of("STT_INTERIM_INTERVAL_MS", "500"),
            recognizer.recognizer,
            SessionFixture.LOUDNESS)) {
      f.registry.route("s", start(true));
      for (int second = 1; second <= 4; second++) {
        f.registry.route("s", chunk((short) 1000, ms(990)));
        int expected = second;
        Await.until(() -> interims(f, "s").size() == expected, WAIT, "interim " + expected);
      }
      f.registry.route("s", chunk((short) 0, ms(1000)));
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));

      List<OutputMessage.Interim> interims = interims(f, "s");
      Map<Long, String> stable = new HashMap<>();
      List<Integer> revisions = new ArrayList<>();
      for (OutputMessage.Interim i : interims) {
        String before = stable.getOrDefault(i.utteranceId(), "");
        assertTrue(i.stable().startsWith(before), "stable prefixes never rewritten: " + interims);
        stable.put(i.utteranceId(), i.stable());
        revisions.add(i.revision());
        assertTrue(sentence.startsWith(i.transcript()), i.toString());
      }
      assertEquals(List.of(0, 1, 2, 3), revisions);
      assertFalse(interims.getLast().stable().isEmpty(), "agreed words became stable");
      OutputMessage.Transcription fin = f.results("s").getFirst();
      assertEquals(interims.getFirst().utteranceId(), fin.header().utteranceId().orElseThrow());
      assertTrue(fin.isFinal());
      assertTrue(
          f.outputs("s").indexOf(fin) > f.outputs("s").indexOf(interims.getLast()),
          "the final comes after the interims it replaces");
    }
  }

  @Test
  void anInterimSessionSeesTheSpeculativeTranscriptBeforeTheEndPoint() throws Exception {
    Recording recognizer = new Recording(samples -> "and then");
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS)) {
      f.registry.route("s", start(true));
      f.registry.route("s", chunk((short) 1000, ms(400))); // shorter than half an interval
      f.registry.route("s", chunk((short) 0, ms(300))); // fixed after 210 ms; no end-point yet
      Await.until(() -> !interims(f, "s").isEmpty(), WAIT, "the speculative interim");
      assertEquals("and then", interims(f, "s").getFirst().transcript());
      assertTrue(f.results("s").isEmpty(), "the final waits for the end-point");
      f.registry.route("s", chunk((short) 0, ms(700)));
      Await.until(() -> f.results("s").size() == 1, WAIT, "the final");
      assertEquals(
          interims(f, "s").getFirst().utteranceId(),
          f.results("s").getFirst().header().utteranceId().orElseThrow());
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
    }
  }

  /**
   * Two workers; an interim hypothesis (background work) runs until it is aborted, everything else
   * answers at once with the length of its audio.
   */
  private static final class InterimsHang extends StoppableRecognizer {
    final List<Integer> interimsAborted = new CopyOnWriteArrayList<>();
    final List<Integer> interimsStarted = new CopyOnWriteArrayList<>();

    InterimsHang() {
      super(2);
    }

    @Override
    protected Transcript answer(float[] samples, boolean background, RecognizerCall call)
        throws RecognitionException {
      if (!background) {
        return StandInRecognizer.heard("and then " + samples.length);
      }
      interimsStarted.add(samples.length);
      if (holdUntil(new CountDownLatch(1), call, Duration.ofSeconds(10))) {
        interimsAborted.add(samples.length);
        throw aborted();
      }
      return StandInRecognizer.heard("an old interim");
    }
  }

  @Test
  void anInterimStillRunningWhenTheSpeculativeRecognitionStartsIsAbortedAndNeverPublished()
      throws Exception {
    InterimsHang recognizer = new InterimsHang();
    // An end-point of 8 s, on the stream's frames and on the wall clock: nothing cuts the
    // utterance (which would abort the interim too) while the test looks.
    try (SessionFixture f =
        new SessionFixture(
            Map.of(
                "STT_INTERIM_INTERVAL_MS", "500",
                "STT_ENDPOINT_SILENCE_MS", "8000",
                "STT_CHUNK_TIMEOUT", "60"),
            recognizer,
            SessionFixture.LOUDNESS)) {
      f.registry.route("s", start(true));
      f.registry.route("s", chunk((short) 1000, ms(990))); // an interim is due after 250 ms
      Await.until(() -> recognizer.interimsStarted.size() == 1, WAIT, "the interim runs");
      f.registry.route("s", chunk((short) 0, ms(300))); // fixed after 210 ms: speculation
      Await.until(
          () -> recognizer.interimsAborted.size() == 1,
          Duration.ofSeconds(6),
          "the speculative recognition of the whole utterance supersedes the running interim");
      Await.until(() -> !interims(f, "s").isEmpty(), WAIT, "the speculative interim");
      assertTrue(f.results("s").isEmpty(), "the utterance is still open");
      f.registry.route("s", new StreamMessage.End()); // its final: the speculative answer
      assertTrue(f.registry.awaitAllClosed(WAIT));

      List<OutputMessage.Interim> interims = interims(f, "s");
      assertEquals(1, interims.size(), "only the speculative answer: " + interims);
      assertTrue(interims.getFirst().transcript().startsWith("and then "), interims.toString());
      assertEquals(interims.getFirst().transcript(), f.results("s").getFirst().transcript());
    }
  }

  @Test
  void aSessionThatDoesNotAskGetsNoInterimsAndNoUtteranceIds() throws Exception {
    Recording recognizer = new Recording(samples -> "words");
    try (SessionFixture f =
        new SessionFixture(Map.of(), recognizer.recognizer, SessionFixture.LOUDNESS)) {
      f.registry.route("s", StreamMessage.Start.defaults());
      for (int second = 1; second <= 3; second++) {
        f.registry.route("s", chunk((short) 1000, ms(990)));
      }
      f.registry.route("s", chunk((short) 0, ms(1000)));
      f.registry.route("s", new StreamMessage.End());
      assertTrue(f.registry.awaitAllClosed(WAIT));
      assertTrue(interims(f, "s").isEmpty());
      assertTrue(f.results("s").stream().allMatch(r -> r.header().utteranceId().isEmpty()));
    }
  }

  private static List<OutputMessage.Interim> interims(SessionFixture f, String id) {
    return f.outputs(id).stream()
        .filter(OutputMessage.Interim.class::isInstance)
        .map(OutputMessage.Interim.class::cast)
        .toList();
  }
}
