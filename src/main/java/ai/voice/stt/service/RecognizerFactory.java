package ai.voice.stt.service;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.http.HttpWhisperRecognizer;
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
              recognition.audioContext(),
              // WHISPER_DEVICE=cpu keeps a GPU build of whisper.cpp on the CPU.
              !recognition.device().equals("cpu"));
      // No connection is made here: the service starts while the server is still coming up,
      // and the first utterances retry (or fail clearly) until it answers.
      case HTTP -> new HttpWhisperRecognizer(recognition.http());
    };
  }
}
