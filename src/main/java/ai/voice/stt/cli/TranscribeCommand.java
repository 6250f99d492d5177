package ai.voice.stt.cli;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.protocol.Vocabulary;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Transcript;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Offline: whole files through the local recognizer, no NATS, no VAD. */
@Command(
    name = "transcribe",
    mixinStandardHelpOptions = true,
    description = "Transcribe WAV files with the local whisper.cpp model (no NATS, no VAD).")
final class TranscribeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "16-bit PCM WAV files")
  List<Path> files;

  @Option(
      names = "--model",
      defaultValue = "${env:STT_MODEL_PATH:-" + ConfigLoader.PROJECT_MODEL + "}",
      description = "ggml model (default: ${DEFAULT-VALUE})")
  Path model;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "whisper threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--audio-ctx",
      defaultValue = "auto",
      description = "auto, full, or encoder frames (default: ${DEFAULT-VALUE})")
  String audioCtx;

  @Option(names = "--language", description = "language code (multilingual models)")
  String language;

  @Option(
      names = "--vocabulary",
      split = ",",
      paramLabel = "TERMS",
      description =
          "words and names to expect, comma separated or repeated: the prompt, as a stream's"
              + " start vocabulary gives it (at most 32 terms, 160 bytes)")
  List<String> vocabulary = List.of();

  @Override
  public Integer call() throws Exception {
    AudioContext context = AudioContext.parse(audioCtx);
    Hints hints;
    try {
      hints =
          new Hints(
              Optional.ofNullable(language), Vocabulary.prompt(Vocabulary.validate(vocabulary)));
    } catch (ProtocolException e) {
      System.err.println("--vocabulary: " + e.getMessage());
      return 2;
    }
    try (LocalWhisperRecognizer recognizer =
        new LocalWhisperRecognizer(model, 1, threads, context)) {
      for (Path file : files) {
        AudioClip clip = WavReader.read(file);
        short[] samples =
            new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
        Transcript t = recognizer.transcribe(Pcm16.toFloat(samples, 0, samples.length), hints);
        System.out.printf(
            "%s\t%.2f s audio\t%.3f s\t%s%n",
            file, clip.seconds(), t.processingSeconds(), t.text());
      }
    }
    return 0;
  }
}
