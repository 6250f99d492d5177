package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancelling a recognition stops the real whisper.cpp decode through its abort callback: the
 * recognizer's call ends with {@code ABORTED} (not a transcript), the future stays cancelled, and
 * the same worker and decoder state go on to transcribe the next recording correctly.
 */
class AbortedRecognitionTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The real recognizer, watched: which calls started, and how each ended. */
  private static final class Watched implements Recognizer {
    final Recognizer real;
    final List<Integer> started = new CopyOnWriteArrayList<>();
    final List<String> ended = new CopyOnWriteArrayList<>();

    Watched(Recognizer real) {
      this.real = real;
    }

    @Override
    public Transcript transcribe(float[] samples, java.util.Optional<String> language)
        throws RecognitionException {
      return real.transcribe(samples, language);
    }

    @Override
    public Transcript transcribe(
        float[] samples, Hints hints, boolean background, RecognizerCall call)
        throws RecognitionException {
      started.add(samples.length);
      try {
        Transcript t = real.transcribe(samples, hints, background, call);
        ended.add("text: " + t.text());
        return t;
      } catch (RecognitionException e) {
        ended.add(e.kind().name());
        throw e;
      }
    }

    @Override
    public boolean independentCalls() {
      return real.independentCalls();
    }

    @Override
    public int maxConcurrency() {
      return real.maxConcurrency();
    }

    @Override
    public String describe() {
      return real.describe();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private static float[] samples(String recording) {
    AudioClip clip = TestData.recording(recording).clip();
    short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    return Pcm16.toFloat(pcm, 0, pcm.length);
  }

  @Test
  void aCancelledDecodeStopsInWhisperAndTheWorkerGoesOn() throws Exception {
    float[] long1 = samples("austen_0870");
    float[] long2 = samples("austen_0880");
    float[] cards = samples("cards_001");
    Watched recognizer =
        new Watched(new LocalWhisperRecognizer(TestData.model(), 1, 1, AudioContext.AUTO));
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 2)) {
      CompletableFuture<InferenceScheduler.Outcome> running = scheduler.submit(long1, Hints.NONE);
      Await.until(() -> recognizer.started.size() == 1, WAIT, "the first decode runs");
      CompletableFuture<InferenceScheduler.Outcome> queued = scheduler.submit(long2, Hints.NONE);
      CompletableFuture<InferenceScheduler.Outcome> next = scheduler.submit(cards, Hints.NONE);
      assertTrue(queued.cancel(true), "still queued");
      assertTrue(running.cancel(true), "still running");

      InferenceScheduler.Outcome after = next.get(60, TimeUnit.SECONDS);
      assertTrue(after.transcript().text().toLowerCase().contains("clubs"), after.toString());
      assertEquals("ABORTED", recognizer.ended.getFirst(), "whisper.cpp stopped the first call");
      assertEquals(
          List.of(long1.length, cards.length),
          recognizer.started,
          "the cancelled queued job never reached the recognizer");
      assertThrows(CancellationException.class, running::join);
      assertThrows(CancellationException.class, queued::join);
      assertEquals(1, scheduler.abortedRunning());
      assertEquals(1, scheduler.abortedQueued());
      // It had computed its mel spectrogram at least before it stopped.
      assertTrue(scheduler.abortedCpuSpentSeconds() > 0);
    }
  }
}
