package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus.Recording;
import ai.voice.stt.recognizer.Transcript.Word;
import ai.voice.stt.support.TestData;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The FFM binding, on the whisper.cpp the service loads (native/'s 1.7.1 with its patches,
 * decisions/0034), decodes exactly what whisper-jni 1.7.1 did through its own JNI layer and library
 * (decisions/0029): the same settings, so the same text and segment times, on every corpus
 * recording, with and without a vocabulary prompt; and the words it adds are in order and inside
 * the audio.
 */
class FfmTranscriptsTest {
  private static final Hints VOCABULARY =
      new Hints(Optional.empty(), Optional.of("Austen, clubs, meters."));

  @Test
  void theCorpusGivesTheSameTranscriptsAsWhisperJni() throws Exception {
    List<Recording> corpus = TestData.corpus();
    assertEquals(12, corpus.size());
    try (Recognizer jni = new WhisperJniReference(TestData.model(), 1, 2, AudioContext.AUTO);
        LocalWhisperRecognizer ffm =
            new LocalWhisperRecognizer(TestData.model(), 1, 2, AudioContext.AUTO)) {
      for (Recording recording : corpus) {
        float[] samples = samples(recording.clip());
        for (Hints hints : List.of(Hints.NONE, VOCABULARY)) {
          Transcript expected = jni.transcribe(samples, hints);
          Transcript actual = ffm.transcribe(samples, hints);
          String what = recording.name() + (hints == Hints.NONE ? "" : " with a prompt");
          System.out.printf("%s: \"%s\" / \"%s\"%n", what, expected.text(), actual.text());
          assertEquals(expected.text(), actual.text(), what);
          assertEquals(expected.segments(), actual.segments(), what);
          assertWordsInOrderAndInside(actual, samples.length / 16_000.0, what);
        }
      }
    }
  }

  static void assertWordsInOrderAndInside(Transcript t, double seconds, String what) {
    if (t.text().isEmpty()) {
      assertTrue(t.words().isEmpty(), what);
      return;
    }
    assertFalse(t.words().isEmpty(), what + ": no words for \"" + t.text() + "\"");
    double previousEnd = 0;
    for (Word w : t.words()) {
      assertTrue(w.start() >= previousEnd, what + ": " + w + " starts before the previous end");
      assertTrue(w.end() >= w.start(), what + ": " + w);
      assertTrue(w.end() <= seconds + 1e-9, what + ": " + w + " past " + seconds + " s");
      assertTrue(w.confidence() >= 0 && w.confidence() <= 1, what + ": " + w);
      previousEnd = w.end();
    }
    double c = t.confidence().orElseThrow();
    assertTrue(c > 0 && c <= 1, what + ": confidence " + c);
  }

  private static float[] samples(AudioClip clip) {
    short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    return Pcm16.toFloat(pcm, 0, pcm.length);
  }
}
