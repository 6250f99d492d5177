package ai.voice.stt.service;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.http.HttpWhisperRecognizer;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the recognizer the configuration names. */
final class RecognizerFactory {
  private static final Logger log = LoggerFactory.getLogger(RecognizerFactory.class);
  private static final Set<String> GPU_DEVICES = Set.of("cuda", "rocm");

  private RecognizerFactory() {}

  static Recognizer create(SttConfig.Recognition recognition) throws IOException {
    return switch (recognition.kind()) {
      case LOCAL -> local(recognition);
      // No connection is made here: the service starts while the server is still coming up,
      // and the first utterances retry (or fail clearly) until it answers.
      case HTTP -> new HttpWhisperRecognizer(recognition.http());
    };
  }

  private static LocalWhisperRecognizer local(SttConfig.Recognition recognition)
      throws IOException {
    String device = recognition.device();
    LocalWhisperRecognizer recognizer =
        new LocalWhisperRecognizer(
            recognition.modelPath(),
            recognition.workers(),
            recognition.threadsPerWorker(),
            recognition.elasticCores(),
            recognition.audioContext(),
            // WHISPER_DEVICE=cpu keeps a GPU build of whisper.cpp on the CPU.
            !device.equals("cpu"));
    if (GPU_DEVICES.contains(device) && !recognizer.hasGpuBackend()) {
      // The original module's default is cuda, so a CPU image says this on every start; in the
      // ROCm image it means the GPU build was not loaded (check its library directory).
      log.warn(
          "WHISPER_DEVICE={} asks for a GPU, but the loaded whisper.cpp build has no GPU backend:"
              + " recognition runs on the CPU (set WHISPER_DEVICE=cpu to say so)",
          device);
    }
    return recognizer;
  }
}
