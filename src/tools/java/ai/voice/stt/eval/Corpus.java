package ai.voice.stt.eval;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The speech corpus made by scripts/fixtures.sh: real recordings from Debian's
 * pocketsphinx-testdata (16 kHz mono) listed with their reference transcripts in {@code
 * corpus/transcripts.tsv}.
 */
public final class Corpus {
  private Corpus() {}

  /** One recording with its reference transcript. */
  public record Recording(String name, Path path, String reference) {
    public AudioClip clip() {
      try {
        return WavReader.read(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * @param fixtures the folder scripts/fixtures.sh writes
   * @throws IOException when the corpus has not been made
   */
  public static List<Recording> load(Path fixtures) throws IOException {
    Path tsv = fixtures.resolve("corpus/transcripts.tsv");
    if (!Files.exists(tsv)) {
      throw new IOException(tsv + " is missing: run scripts/fixtures.sh");
    }
    return Files.readAllLines(tsv).stream()
        .filter(line -> !line.isBlank())
        .map(line -> line.split("\t", 2))
        .map(p -> new Recording(p[0], fixtures.resolve("corpus/" + p[0] + ".wav"), p[1]))
        .toList();
  }
}
