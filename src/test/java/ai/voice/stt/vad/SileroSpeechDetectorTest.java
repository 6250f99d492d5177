package ai.voice.stt.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.eval.Corpus.Recording;
import ai.voice.stt.eval.NonSpeech;
import ai.voice.stt.support.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Silero VAD with the real model: speech in every corpus recording, none in silence or in noise
 * made from fixed seeds, and streams that share the one ONNX session keep their own state.
 */
class SileroSpeechDetectorTest {
  private final SpeechDetectorFactory factory =
      SileroSpeechDetectorFactory.load(TestData.vadModel());

  @Test
  void everyCorpusRecordingIsMostlySpeech() {
    for (Recording recording : TestData.corpus()) {
      boolean[] voiced = classify(recording.clip());
      int count = count(voiced);
      // The recordings are sentences with short lead-in and tail silence.
      assertTrue(
          count > voiced.length / 2,
          recording.name() + ": " + count + " of " + voiced.length + " frames voiced");
    }
  }

  @Test
  void silenceAndNoiseAreNotSpeech() {
    List<NonSpeech.Spec> specs = new ArrayList<>();
    specs.add(new NonSpeech.Spec(NonSpeech.Kind.SILENCE, 0, 1, 5));
    for (long seed = 1; seed <= 2; seed++) {
      specs.add(new NonSpeech.Spec(NonSpeech.Kind.WHITE, -25, seed, 5));
      specs.add(new NonSpeech.Spec(NonSpeech.Kind.PINK, -20, seed, 5));
      specs.add(new NonSpeech.Spec(NonSpeech.Kind.BROWN, -25, seed, 5));
      specs.add(new NonSpeech.Spec(NonSpeech.Kind.HUM, -25, seed, 5));
      specs.add(new NonSpeech.Spec(NonSpeech.Kind.CLICKS, -6, seed, 5));
    }
    for (NonSpeech.Spec spec : specs) {
      assertEquals(0, count(classify(spec.clip())), spec.name() + ": frames called speech");
    }
  }

  @Test
  void speechEndsOnceTheSpeakerStops() {
    short[] speech = Pcm16.toMono(TestData.recording("austen_0880").clip().pcm(), 1);
    short[] withPause = Arrays.copyOf(speech, speech.length + SpeechDetector.SAMPLE_RATE);
    boolean[] voiced = classify(withPause);
    int lastSecond = SpeechDetector.SAMPLE_RATE / SpeechDetector.FRAME_SAMPLES;
    assertTrue(count(Arrays.copyOfRange(voiced, 0, voiced.length - lastSecond)) > 0);
    boolean[] tail = Arrays.copyOfRange(voiced, voiced.length - lastSecond / 2, voiced.length);
    assertEquals(0, count(tail), "the second half of a second of silence after speech");
  }

  @Test
  void streamsSharingTheSessionKeepTheirOwnState() throws Exception {
    List<Recording> corpus = TestData.corpus();
    List<boolean[]> alone = corpus.stream().map(r -> classify(r.clip())).toList();
    List<Future<boolean[]>> together = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      for (int round = 0; round < 2; round++) {
        for (Recording r : corpus) {
          together.add(threads.submit(() -> classify(r.clip())));
        }
      }
      for (int i = 0; i < together.size(); i++) {
        assertTrue(
            Arrays.equals(alone.get(i % corpus.size()), together.get(i).get()),
            corpus.get(i % corpus.size()).name() + " classified differently in parallel");
      }
    }
  }

  @Test
  void aMissingModelIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SileroSpeechDetectorFactory.load(Path.of("/nonexistent/silero_vad.onnx")));
    assertTrue(e.getMessage().contains("/nonexistent/silero_vad.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("STT_VAD_MODEL_PATH"), e.getMessage());
  }

  @Test
  void theModelIsLoadedOncePerProcess() {
    assertSame(factory, SileroSpeechDetectorFactory.load(TestData.vadModel()));
  }

  private boolean[] classify(AudioClip clip) {
    return classify(Pcm16.toMono(clip.pcm(), 1));
  }

  private boolean[] classify(short[] samples) {
    int frames = samples.length / SpeechDetector.FRAME_SAMPLES;
    boolean[] voiced = new boolean[frames];
    try (SpeechDetector vad = factory.create()) {
      for (int f = 0; f < frames; f++) {
        int from = f * SpeechDetector.FRAME_SAMPLES;
        voiced[f] =
            vad.isSpeech(Arrays.copyOfRange(samples, from, from + SpeechDetector.FRAME_SAMPLES));
      }
    }
    return voiced;
  }

  private static int count(boolean[] voiced) {
    int n = 0;
    for (boolean v : voiced) {
      n += v ? 1 : 0;
    }
    return n;
  }
}
