package ai.voice.stt.eval;

import java.util.List;

/**
 * Word error rate: (substitutions + deletions + insertions) / reference words, after Whisper's
 * English normalisation ({@link EnglishTextNormalizer}) of both texts, so that "Go forward 10
 * meters." matches "go forward ten metres".
 */
public final class WordErrorRate {
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

  /** The words compared: {@link EnglishTextNormalizer#words}. */
  public static List<String> words(String text) {
    return EnglishTextNormalizer.words(text);
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
