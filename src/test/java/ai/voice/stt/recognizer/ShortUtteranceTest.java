package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.support.TestData;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Speech shorter than a second ("Yes.", "Stop.", the first words of an interim) is transcribed:
 * whisper.cpp returns nothing for input under 1 s, so the recognizer pads it with silence.
 */
class ShortUtteranceTest {
  @Test
  void theFirstWordsOfARecordingCutShorterThanASecondAreHeard() throws Exception {
    AudioClip clip = TestData.recording("goforward").clip();
    short[] samples = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    try (LocalWhisperRecognizer recognizer =
        new LocalWhisperRecognizer(TestData.model(), 1, 1, AudioContext.AUTO)) {
      for (double seconds : new double[] {0.6, 0.8}) {
        int n = (int) (seconds * 16_000);
        Transcript t = recognizer.transcribe(Pcm16.toFloat(samples, 0, n), Optional.empty());
        System.out.printf("first %.1f s of goforward: \"%s\"%n", seconds, t.text());
        assertTrue(
            t.text().toLowerCase(Locale.ROOT).contains("go"),
            seconds + " s of \"Go forward ten meters\": " + t.text());
      }
    }
  }

  @Test
  void onlyAudioUnderASecondIsPadded() {
    assertEquals(
        LocalWhisperRecognizer.MIN_SAMPLES,
        LocalWhisperRecognizer.atLeastASecond(new float[9_600]).length);
    float[] long_ = new float[32_000];
    assertTrue(LocalWhisperRecognizer.atLeastASecond(long_) == long_, "longer audio is untouched");
  }
}
