package ai.voice.stt.service;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Recognizer;
import java.io.IOException;

/** Builds the recognizer the configuration names. */
final class RecognizerFactory {
  private RecognizerFactory() {}

  static Recognizer create(SttConfig.Recognition recognition) throws IOException {
    return switch (recognition.kind()) {
      case LOCAL ->
          new LocalWhisperRecognizer(
              recognition.modelPath(),
              recognition.workers(),
              recognition.threadsPerWorker(),
              recognition.elasticCores(),
              recognition.audioContext());
      case HTTP ->
          throw new ConfigException(
              "STT_RECOGNIZER=http: the HTTP recognizer is not part of this build yet; use local");
    };
  }
}
