package ai.voice.stt.recognizer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises whisper's failure mode of repeating itself: far more words than the audio can hold, or
 * the same word or word pair over and over.
 */
final class DegenerateOutput {
  // Fast speech is about 4 words per second; the allowance covers very short clips.
  private static final double MAX_WORDS_PER_SECOND = 6.0;
  private static final int WORD_ALLOWANCE = 4;
  private static final int MAX_REPEATS = 4;
  // Words for counting and comparing: letters, digits and inner apostrophes; case folded.
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");

  private DegenerateOutput() {}

  static boolean detect(String text, double audioSeconds) {
    List<String> words = words(text);
    if (words.size() > audioSeconds * MAX_WORDS_PER_SECOND + WORD_ALLOWANCE) {
      return true;
    }
    return repeats(words, 1) || repeats(words, 2);
  }

  private static List<String> words(String text) {
    return Arrays.stream(NOT_WORD.split(text.toLowerCase(Locale.ROOT)))
        .map(w -> w.replaceAll("^'+|'+$", ""))
        .filter(w -> !w.isEmpty())
        .toList();
  }

  /** True when an n-gram occurs more than {@code MAX_REPEATS} times in a row. */
  private static boolean repeats(List<String> words, int n) {
    for (int start = 0; start + n <= words.size(); start++) {
      int run = 1;
      int next = start + n;
      while (next + n <= words.size()
          && words.subList(next, next + n).equals(words.subList(start, start + n))) {
        run++;
        next += n;
      }
      if (run > MAX_REPEATS) {
        return true;
      }
    }
    return false;
  }
}
