package ai.voice.stt.recognizer.whisper;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.support.TestData;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How soon whisper.cpp returns after its abort callback says stop, by how far into the decode the
 * stop came, only when asked ({@code -Dstt.abort.measure=true}; docs/benchmarks.md,
 * decisions/0031). One state, 2 threads, the window the service's {@code auto} would use; each
 * recording decoded four times first (the last run's time is the full decode), then stopped at 10 %
 * to 80 % of that. Printed, not asserted: timings are never pass/fail.
 */
class AbortLatencyMeasurement {
  private static final double[] AT = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8};

  @Test
  void printWhenAsked() throws Exception {
    if (!Boolean.getBoolean("stt.abort.measure")) {
      return;
    }
    try (WhisperModel model = WhisperModel.load(TestData.model(), false);
        WhisperState state = model.newState()) {
      for (String name : new String[] {"cards_002", "austen_0880", "austen_0870"}) {
        AudioClip clip = TestData.recording(name).clip();
        short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
        float[] samples = Pcm16.toFloat(pcm, 0, pcm.length);
        int window = Math.max(512, (int) Math.ceil(samples.length * 50.0 / 16_000) + 128);
        long full = 0;
        for (int run = 0; run < 4; run++) {
          long began = System.nanoTime();
          try (AbortFlag flag = new AbortFlag()) {
            state.decode(request(window, flag), samples);
          }
          full = System.nanoTime() - began;
        }
        System.out.printf(
            "%s: %.1f s of audio, window %d, full decode %.0f ms%n",
            name, samples.length / 16_000.0, window, full / 1e6);
        for (double at : AT) {
          long delay = (long) (full * at);
          try (AbortFlag flag = new AbortFlag()) {
            Thread stopper =
                Thread.ofPlatform()
                    .start(
                        () -> {
                          try {
                            Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          flag.abort();
                        });
            long began = System.nanoTime();
            String how = "ended before the stop";
            try {
              state.decode(request(window, flag), samples);
            } catch (WhisperAbortedException e) {
              how = "aborted";
            }
            long returned = System.nanoTime() - began;
            stopper.join();
            System.out.printf(
                "  stopped at %3.0f ms (%2.0f %%): returned at %3.0f ms, %3.0f ms after the stop"
                    + " (%s)%n",
                delay / 1e6, at * 100, returned / 1e6, (returned - delay) / 1e6, how);
          }
        }
      }
    }
  }

  private static DecodeRequest request(int window, AbortFlag flag) {
    return new DecodeRequest("en", Optional.empty(), window, 2, false, Optional.of(flag));
  }
}
