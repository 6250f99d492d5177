package ai.voice.stt.recognizer;

import java.util.regex.Pattern;

/**
 * Removes what whisper writes for non-speech: "[BLANK_AUDIO]", "(music)", "[ Silence ]", "*cough*".
 * Clients want words; a sound-effect caption published as a transcript would read as user speech.
 */
public final class TranscriptCleaner {
  private static final Pattern NON_SPEECH =
      Pattern.compile("\\[[^\\]]*\\]|\\([^)]*\\)|\\*[^*]*\\*|♪+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private TranscriptCleaner() {}

  public static String clean(String text) {
    String stripped = NON_SPEECH.matcher(text).replaceAll(" ");
    return SPACES.matcher(stripped).replaceAll(" ").strip();
  }
}
