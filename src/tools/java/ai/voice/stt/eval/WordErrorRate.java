package ai.voice.stt.eval;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Word error rate: (substitutions + deletions + insertions) / reference words, after normalising
 * case, punctuation and spelled-out digits so that "Go forward 10 meters." matches "go forward ten
 * meters".
 */
public final class WordErrorRate {
  private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9' ]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final String[] DIGITS = {
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty"
  };

  // Whisper writes titles abbreviated; references spell them out.
  private static final Map<String, String> TITLES =
      Map.of("mr", "mister", "mrs", "missus", "dr", "doctor", "st", "saint");

  private WordErrorRate() {}

  /** Edit counts against a reference. */
  public record Score(int errors, int referenceWords) {
    public double rate() {
      return referenceWords == 0 ? (errors == 0 ? 0.0 : 1.0) : (double) errors / referenceWords;
    }

    public Score plus(Score other) {
      return new Score(errors + other.errors, referenceWords + other.referenceWords);
    }
  }

  public static Score score(String reference, String hypothesis) {
    List<String> ref = words(reference);
    List<String> hyp = words(hypothesis);
    return new Score(editDistance(ref, hyp), ref.size());
  }

  public static double rate(String reference, String hypothesis) {
    return score(reference, hypothesis).rate();
  }

  /**
   * Whether {@code hypothesis} reaches the end of {@code reference}: of all the reference's
   * prefixes, the whole reference is (one of) the closest to it in edit distance. A hypothesis that
   * stops a word short does not; one whose last word is misrecognised does (the tie goes to the
   * longer prefix). The same criterion as the WhisperLive peer's word alignment, so "text covering
   * the last word" means the same for both.
   */
  public static boolean reachesEnd(String reference, String hypothesis) {
    List<String> ref = words(reference);
    List<String> hyp = words(hypothesis);
    if (ref.isEmpty()) {
      return true;
    }
    int best = Integer.MAX_VALUE;
    int bestPrefix = -1;
    for (int i = 0; i <= ref.size(); i++) {
      int d = editDistance(ref.subList(0, i), hyp);
      if (d <= best) {
        best = d;
        bestPrefix = i;
      }
    }
    return bestPrefix == ref.size();
  }

  /** Lower case, no punctuation or accents, numbers up to twenty spelled out, hyphens split. */
  public static List<String> words(String text) {
    String folded =
        Normalizer.normalize(text, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT)
            .replace('-', ' ');
    String cleaned = NOT_WORD.matcher(folded).replaceAll(" ").strip();
    if (cleaned.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(SPACES.split(cleaned))
        .map(w -> w.replaceAll("^'+|'+$", ""))
        .filter(w -> !w.isEmpty())
        .map(WordErrorRate::spellNumber)
        .map(w -> TITLES.getOrDefault(w, w))
        .toList();
  }

  private static String spellNumber(String word) {
    if (word.chars().allMatch(Character::isDigit) && word.length() <= 2) {
      int n = Integer.parseInt(word);
      if (n < DIGITS.length) {
        return DIGITS[n];
      }
    }
    return word;
  }

  private static int editDistance(List<String> ref, List<String> hyp) {
    int[] previous = new int[hyp.size() + 1];
    int[] current = new int[hyp.size() + 1];
    for (int j = 0; j <= hyp.size(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= ref.size(); i++) {
      current[0] = i;
      for (int j = 1; j <= hyp.size(); j++) {
        int substitution = previous[j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[hyp.size()];
  }
}
