package ai.voice.stt.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test speech made at test time with the system's espeak-ng and sox (installed by
 * scripts/install-system-deps.sh), or with Piper through scripts/eval/say.py; nothing generated is
 * committed. The one place that knows their command lines.
 *
 * <p>The same text makes the same samples on every run: sox converts without dither ({@code -D};
 * its default dither is random noise at the last bit, and on a borderline word tiny.en's answer
 * follows it: espeak-ng's "Save." came out "Hey..." on 1 of 12 dithered conversions) and Piper's
 * noise is seeded (scripts/eval/make_eval_set.py).
 */
public final class SpeechSynthesis {
  /** Where scripts/eval-set.sh installs Piper and its voice. */
  private static final Path PIPER_DEPS = Path.of(".cache/pydeps-eval");

  private SpeechSynthesis() {}

  /**
   * Speaks {@code text} with espeak-ng into {@code wav} (its own format).
   *
   * @param ssml the text is SSML ({@code <speak>…<break time="800ms"/>…</speak>})
   */
  public static void espeak(Path wav, String text, String voice, int wordsPerMinute, boolean ssml)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of("espeak-ng", "-v", voice, "-s", Integer.toString(wordsPerMinute)));
    if (ssml) {
      command.add("-m");
    }
    command.addAll(List.of("-w", wav.toString(), text));
    run(command.toArray(String[]::new));
  }

  /**
   * Runs scripts/eval/say.py (Piper's neural voice, installed into .cache/pydeps-eval by
   * scripts/eval-set.sh) with {@code arguments} after the output file: the text, or a head, a tail
   * and a pause in ms, then options ({@code --after SECONDS} of trailing silence). Writes 16 kHz
   * mono PCM16 with 0.3 s of silence before the speech.
   */
  public static void piper(Path wav, String... arguments) throws IOException {
    if (!Files.isDirectory(PIPER_DEPS.resolve("piper"))) {
      throw new IOException(
          "Piper is not installed in " + PIPER_DEPS + ": run scripts/eval-set.sh");
    }
    List<String> command =
        new ArrayList<>(List.of("python3", "scripts/eval/say.py", wav.toString()));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PYTHONPATH", PIPER_DEPS.toString());
    run(builder);
  }

  /**
   * {@code in} as 16 kHz mono PCM16 in {@code out}, with seconds of silence before and after;
   * repeatable ({@code -R}) and without dither ({@code -D}).
   */
  public static void toPcm16k(Path in, Path out, double silenceBefore, double silenceAfter)
      throws IOException {
    run(
        "sox",
        "-q",
        "-R",
        "-D",
        in.toString(),
        "-r",
        "16000",
        "-c",
        "1",
        "-b",
        "16",
        out.toString(),
        "pad",
        Double.toString(silenceBefore),
        Double.toString(silenceAfter));
  }

  private static void run(String... command) throws IOException {
    run(new ProcessBuilder(command));
  }

  private static void run(ProcessBuilder builder) throws IOException {
    List<String> command = builder.command();
    Process p;
    try {
      p = builder.redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          command.get(0) + " is needed to generate test speech: run scripts/install-system-deps.sh",
          e);
    }
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
