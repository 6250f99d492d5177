package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.support.TestData;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * whisper-jni keeps all contexts and states of the process in unsynchronised global maps; loading
 * and freeing a recognizer must not disturb another one that is transcribing at the same time. Real
 * model, real recording (pocketsphinx {@code goforward}).
 */
class LocalWhisperRecognizerLifecycleTest {
  private static final int RELOADS = 6;

  @Test
  void anotherRecognizerIsLoadedAndClosedRepeatedlyWhileOneTranscribes() throws Exception {
    AudioClip clip = TestData.recording("goforward").clip();
    short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    float[] samples = Pcm16.toFloat(pcm, 0, pcm.length);
    try (LocalWhisperRecognizer busy =
        new LocalWhisperRecognizer(TestData.model(), 2, 1, AudioContext.AUTO)) {
      AtomicBoolean reloading = new AtomicBoolean(true);
      List<String> heard = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> transcribing =
          CompletableFuture.runAsync(
              () -> {
                while (reloading.get()) {
                  heard.add(transcribe(busy, samples));
                }
              });
      for (int i = 0; i < RELOADS; i++) {
        try (LocalWhisperRecognizer other =
            new LocalWhisperRecognizer(TestData.model(), 2, 1, AudioContext.AUTO)) {
          assertTrue(transcribe(other, samples).contains("forward"));
        }
      }
      reloading.set(false);
      transcribing.get(60, TimeUnit.SECONDS);
      assertTrue(!heard.isEmpty(), "the busy recognizer ran during the reloads");
      assertEquals(
          List.of(), heard.stream().filter(t -> !t.contains("forward")).toList(), "every result");
    }
  }

  private static String transcribe(Recognizer recognizer, float[] samples) {
    try {
      return recognizer.transcribe(samples, Optional.empty()).text().toLowerCase();
    } catch (RecognitionException e) {
      throw new IllegalStateException(e);
    }
  }
}
