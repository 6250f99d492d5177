package ai.voice.stt.recognizer;

import java.util.regex.Pattern;

/**
 * Removes what whisper writes for non-speech: "[BLANK_AUDIO]", "(music)", "[ Silence ]", "*cough*",
 * and text without a letter or digit (". . . ." on noise). Clients want words; a sound-effect
 * caption published as a transcript would read as user speech.
 */
public final class TranscriptCleaner {
  private static final Pattern NON_SPEECH =
      Pattern.compile("\\[[^\\]]*\\]|\\([^)]*\\)|\\*[^*]*\\*|♪+");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]");

  private TranscriptCleaner() {}

  /** The text ends a sentence: its last character is {@code .}, {@code ?} or {@code !}. */
  public static boolean endsSentence(String text) {
    String t = text.strip();
    return !t.isEmpty() && ".?!".indexOf(t.charAt(t.length() - 1)) >= 0;
  }

  public static String clean(String text) {
    String stripped = NON_SPEECH.matcher(text).replaceAll(" ");
    String cleaned = SPACES.matcher(stripped).replaceAll(" ").strip();
    // Punctuation alone (". . . ." for a short burst of noise) is not a word that was said.
    return WORD.matcher(cleaned).find() ? cleaned : "";
  }
}
