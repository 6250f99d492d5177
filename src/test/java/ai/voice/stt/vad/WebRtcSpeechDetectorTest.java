package ai.voice.stt.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.support.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The WebRTC VAD through libfvad's C API. The last two tests pin down what fuzzing found in the JNI
 * binding this replaced: a native abort when sessions created and closed detectors concurrently,
 * and ~1 KB of native memory leaked per frame.
 */
class WebRtcSpeechDetectorTest {
  private final WebRtcSpeechDetectorFactory factory = new WebRtcSpeechDetectorFactory(2);

  @Test
  void speechIsVoicedAndDigitalSilenceIsNot() {
    AudioClip speech = TestData.recording("austen_0880").clip();
    short[] samples = Pcm16.toMono(speech.pcm(), 1);
    int voiced = 0;
    int frames = samples.length / SpeechDetector.FRAME_SAMPLES;
    try (SpeechDetector vad = factory.create()) {
      for (int f = 0; f < frames; f++) {
        int from = f * SpeechDetector.FRAME_SAMPLES;
        if (vad.isSpeech(Arrays.copyOfRange(samples, from, from + SpeechDetector.FRAME_SAMPLES))) {
          voiced++;
        }
      }
      int silent = 0;
      for (int f = 0; f < 50; f++) {
        silent += vad.isSpeech(new short[SpeechDetector.FRAME_SAMPLES]) ? 0 : 1;
      }
      assertEquals(50, silent, "digital silence is never speech");
    }
    assertTrue(voiced > frames / 2, voiced + " of " + frames + " frames of a sentence voiced");
  }

  @Test
  void sessionsMayCreateUseAndCloseDetectorsConcurrently() throws Exception {
    short[] noise = new short[SpeechDetector.FRAME_SAMPLES];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (short) ((i * 7919) % 20000 - 10000);
    }
    List<Future<?>> workers = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      for (int t = 0; t < 8; t++) {
        workers.add(
            threads.submit(
                () -> {
                  for (int round = 0; round < 2_000; round++) {
                    try (SpeechDetector vad = factory.create()) {
                      vad.isSpeech(noise);
                      vad.isSpeech(noise);
                    }
                  }
                }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
    }
  }

  @Test
  void framesDoNotLeakNativeMemory() throws Exception {
    short[] frame = new short[SpeechDetector.FRAME_SAMPLES];
    try (SpeechDetector vad = factory.create()) {
      for (int i = 0; i < 20_000; i++) {
        vad.isSpeech(frame); // warm-up: JIT, allocator arenas
      }
      long before = rssBytes();
      for (int i = 0; i < 200_000; i++) { // 100 minutes of one session's audio
        vad.isSpeech(frame);
      }
      long grown = rssBytes() - before;
      System.out.printf("RSS after 200,000 VAD frames: %+.1f MiB%n", grown / 1048576.0);
      // The JNI binding grew by ~190 MiB here (about 1 KB per frame).
      assertTrue(grown < 32L << 20, "native memory grew by " + (grown >> 20) + " MiB");
    }
  }

  private static long rssBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}
