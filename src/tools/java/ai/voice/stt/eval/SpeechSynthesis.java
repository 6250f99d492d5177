package ai.voice.stt.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test speech made at test time with the system's espeak-ng and sox (installed by
 * scripts/install-system-deps.sh; nothing generated is committed): the one place that knows their
 * command lines.
 */
public final class SpeechSynthesis {
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

  /** {@code in} as 16 kHz mono PCM16 in {@code out}, with seconds of silence before and after. */
  public static void toPcm16k(Path in, Path out, double silenceBefore, double silenceAfter)
      throws IOException {
    run(
        "sox",
        "-q",
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
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          command[0] + " is needed to generate test speech: run scripts/install-system-deps.sh", e);
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
