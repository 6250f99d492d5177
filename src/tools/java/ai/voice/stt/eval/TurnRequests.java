package ai.voice.stt.eval;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Spoken requests for the end-of-turn measurements and tests, generated at run time with espeak-ng
 * and sox (nothing is committed): each is one sentence said in one breath, with an SSML break of a
 * chosen length after its first words ({@code head}), so the pause sits mid-sentence with the
 * voice's mid-sentence intonation, and the whole request followed by trailing silence.
 */
public final class TurnRequests {
  /** A request split where a user might pause mid-thought. */
  public record Request(String head, String tail) {
    static Request of(String[] columns) {
      return new Request(columns[0], columns[1]);
    }

    public String sentence() {
      return head + " " + tail;
    }
  }

  /** Where the texts live: one place for this class and scripts/eval/turn_model_alone.py. */
  public static final Path TEXTS = Path.of("scripts/eval/turn-requests.tsv");

  /** 24 requests; most heads end in a word that cannot end a request, some do not. */
  public static final List<Request> REQUESTS = lines(2).stream().map(Request::of).toList();

  /** Short complete answers. */
  public static final List<String> SHORT_ANSWERS =
      lines(1).stream().map(columns -> columns[0]).toList();

  private TurnRequests() {}

  /** The lines of {@link #TEXTS} with {@code columns} tab-separated columns, in file order. */
  private static List<String[]> lines(int columns) {
    try {
      return Files.readAllLines(TEXTS).stream()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("\t"))
          .filter(fields -> fields.length == columns)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + TEXTS + " (run from the repository root)", e);
    }
  }

  /**
   * The request with a pause of {@code pauseMs} after its head, 0.3 s of silence before and {@code
   * trailingMs} after it, as 16 kHz mono PCM16 (written under {@code dir}, reused when present).
   */
  public static AudioClip withPause(Request request, int pauseMs, int trailingMs, Path dir)
      throws IOException {
    String ssml =
        "<speak>"
            + request.head()
            + " <break time=\""
            + pauseMs
            + "ms\"/> "
            + request.tail()
            + ".</speak>";
    return speak(ssml, trailingMs, dir);
  }

  /** A complete sentence in one breath, 0.3 s of silence before and {@code trailingMs} after. */
  public static AudioClip sentence(String text, int trailingMs, Path dir) throws IOException {
    return speak("<speak>" + text + "</speak>", trailingMs, dir);
  }

  private static AudioClip speak(String ssml, int trailingMs, Path dir) throws IOException {
    String name = Integer.toHexString(ssml.hashCode()) + "-" + trailingMs;
    Path wav = dir.resolve(name + ".wav");
    if (!Files.exists(wav)) {
      Files.createDirectories(dir);
      Path raw = dir.resolve(name + ".espeak.wav");
      SpeechSynthesis.espeak(raw, ssml, "en-us", 160, true);
      SpeechSynthesis.toPcm16k(raw, wav, 0.3, trailingMs / 1000.0);
      Files.delete(raw);
    }
    return WavReader.read(wav);
  }
}
