package ai.voice.stt.eval;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.WavReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Spoken requests for the end-of-turn measurements and tests, generated at run time (nothing is
 * committed) from the texts of {@link #TEXTS}: each is one sentence with a pause of a chosen length
 * after its first words ({@code head}) that keeps the voice's mid-sentence intonation, followed by
 * trailing silence. espeak-ng says it in one breath with an SSML break; Piper's neural voice says
 * the head with a trailing comma and the tail after the pause ({@link Voice}).
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

  /** Who says the requests. */
  public enum Voice {
    /** espeak-ng (en-us, 160 wpm), one breath with an SSML break: no Python needed. */
    ESPEAK,
    /**
     * Piper's neural voice (scripts/eval/say.py): the head said with a trailing comma (its
     * mid-sentence intonation), the pause, then the tail. Needs scripts/eval-set.sh's packages.
     */
    NEURAL
  }

  /** {@link #withPause(Request, int, int, Path, Voice)} in espeak-ng's voice. */
  public static AudioClip withPause(Request request, int pauseMs, int trailingMs, Path dir)
      throws IOException {
    return withPause(request, pauseMs, trailingMs, dir, Voice.ESPEAK);
  }

  /** {@link #sentence(String, int, Path, Voice)} in espeak-ng's voice. */
  public static AudioClip sentence(String text, int trailingMs, Path dir) throws IOException {
    return sentence(text, trailingMs, dir, Voice.ESPEAK);
  }

  /**
   * The request with a pause of {@code pauseMs} after its head, 0.3 s of silence before and {@code
   * trailingMs} after it, as 16 kHz mono PCM16 (written under {@code dir}, reused when present).
   */
  public static AudioClip withPause(
      Request request, int pauseMs, int trailingMs, Path dir, Voice voice) throws IOException {
    if (voice == Voice.NEURAL) {
      return neural(trailingMs, dir, request.head(), request.tail(), Integer.toString(pauseMs));
    }
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
  public static AudioClip sentence(String text, int trailingMs, Path dir, Voice voice)
      throws IOException {
    if (voice == Voice.NEURAL) {
      return neural(trailingMs, dir, text);
    }
    return speak("<speak>" + text + "</speak>", trailingMs, dir);
  }

  private static AudioClip neural(int trailingMs, Path dir, String... said) throws IOException {
    String name =
        "piper-" + Integer.toHexString(String.join("|", said).hashCode()) + "-" + trailingMs;
    Path wav = dir.resolve(name + ".wav");
    if (!Files.exists(wav)) {
      Files.createDirectories(dir);
      List<String> arguments = new ArrayList<>(List.of(said));
      arguments.addAll(List.of("--after", Double.toString(trailingMs / 1000.0)));
      SpeechSynthesis.piper(wav, arguments.toArray(String[]::new));
    }
    return WavReader.read(wav);
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
