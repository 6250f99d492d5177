package ai.voice.stt.turn;

import java.util.Locale;
import java.util.Set;

/**
 * What a transcript says about whether its speaker finished: a request that ends in "for", "to",
 * "the", "about", "and" or a filler ("um") is not finished, whatever the pause; one that ends a
 * sentence (".", "?", "!") on another word is, as far as the words go. A pure function of the text.
 */
public final class TranscriptCompleteness {
  /** The words' verdict. */
  public enum Verdict {
    /** Ends a sentence on a word that can end one. */
    COMPLETE,
    /** Ends on a word that needs more after it, or trails off ("...", ",", "-"). */
    INCOMPLETE,
    /** No words, or no sentence end: the words cannot tell. */
    UNKNOWN
  }

  // Words after which an English request cannot stop: articles, prepositions that take an object,
  // conjunctions, possessives, fillers. Words that may end a sentence ("on", "off", "over", "up",
  // "that", "it", modal verbs: "turn it off", "yes I can") are left out.
  private static final Set<String> NEEDS_MORE =
      Set.of(
          "a",
          "an",
          "the",
          "about",
          "above",
          "across",
          "after",
          "against",
          "along",
          "among",
          "at",
          "before",
          "behind",
          "below",
          "beneath",
          "beside",
          "between",
          "by",
          "during",
          "except",
          "for",
          "from",
          "into",
          "of",
          "onto",
          "than",
          "through",
          "to",
          "toward",
          "towards",
          "until",
          "upon",
          "via",
          "with",
          "within",
          "without",
          "and",
          "or",
          "but",
          "nor",
          "because",
          "although",
          "if",
          "unless",
          "whether",
          "while",
          "whereas",
          "my",
          "your",
          "our",
          "their",
          "its",
          "every",
          "um",
          "uh",
          "er",
          "erm",
          "hmm",
          "in");

  private TranscriptCompleteness() {}

  public static Verdict of(String transcript) {
    String text = transcript.strip();
    if (text.isEmpty()) {
      return Verdict.UNKNOWN;
    }
    if (text.endsWith("...") || text.endsWith("…") || text.endsWith(",") || text.endsWith("-")) {
      return Verdict.INCOMPLETE;
    }
    String lastWord = lastWord(text);
    if (NEEDS_MORE.contains(lastWord)) {
      return Verdict.INCOMPLETE;
    }
    char end = text.charAt(text.length() - 1);
    return !lastWord.isEmpty() && (end == '.' || end == '?' || end == '!')
        ? Verdict.COMPLETE
        : Verdict.UNKNOWN;
  }

  private static String lastWord(String text) {
    int end = text.length();
    while (end > 0 && !isWordChar(text.charAt(end - 1))) {
      end--;
    }
    int start = end;
    while (start > 0 && isWordChar(text.charAt(start - 1))) {
      start--;
    }
    return text.substring(start, end).toLowerCase(Locale.ROOT);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '\'';
  }
}
