package ai.voice.stt.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.support.LogCapture;
import ai.voice.stt.support.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code WHISPER_DEVICE} against the whisper.cpp build that was really loaded: here the CPU build
 * (scripts/build-whisper-cpu.sh), as in a GPU image whose STT_WHISPER_LIBRARY_DIR names a CPU one.
 */
class RecognizerFactoryTest {
  private static final String NO_GPU = "has no GPU backend";

  @Test
  void aGpuRequestServedByACpuBuildIsLoggedAsAWarning() throws Exception {
    try (LogCapture log = new LogCapture();
        Recognizer recognizer = create("rocm")) {
      assertFalse(((LocalWhisperRecognizer) recognizer).hasGpuBackend());
      assertTrue(log.contains("WHISPER_DEVICE=rocm asks for a GPU"), log.lines().toString());
      assertTrue(log.contains("whisper.cpp build: "), "the build's features are logged");
    }
  }

  @Test
  void cpuIsSilent() throws Exception {
    try (LogCapture log = new LogCapture();
        Recognizer recognizer = create("cpu")) {
      assertTrue(recognizer.describe().startsWith("local whisper.cpp"), recognizer.describe());
      assertFalse(log.contains(NO_GPU), log.lines().toString());
    }
  }

  private static Recognizer create(String device) throws Exception {
    return RecognizerFactory.create(
        ConfigLoader.load(
                Map.of(
                    "STT_MODEL_PATH",
                    TestData.model().toString(),
                    "WHISPER_DEVICE",
                    device,
                    "STT_INFERENCE_WORKERS",
                    "1"),
                2)
            .recognition());
  }
}
