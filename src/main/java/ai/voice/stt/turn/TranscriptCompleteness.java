package ai.voice.stt.turn;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What a transcript says about whether its speaker finished: a request that ends in "for", "to",
 * "the", "about", "and" or a filler ("um") is not finished, whatever the pause; one that ends a
 * sentence (".", "?", "!") on another word is, as far as the words go, unless the recognizer placed
 * that last word where the voice had already stopped: then it is doubtful. A pure function of the
 * text and the last word's time.
 *
 * <p>Why the doubt (decisions/0026): Whisper, given a request cut at a mid-sentence pause, may
 * finish it with a word nobody said ("Please set an alarm for" is heard as "Please set a alarm for
 * it."), and the sentence then looks complete. Measured on the 24 paused requests and 30 complete
 * turns of docs/benchmarks.md: such added words carry times at or after the end of voice (tiny.en
 * put "it." at the very end of the audio, 0.2 s after the voice stopped, twice), while the last
 * word of 24 of the 30 complete turns starts before it. The word's probability did not separate
 * them (0.68 for the added "it.", 0.46 to 0.86 for real last words).
 */
public final class TranscriptCompleteness {
  /** The words' verdict. */
  public enum Verdict {
    /** Ends a sentence on a word that can end one. */
    COMPLETE,
    /**
     * Ends a sentence, but on a word that starts where the voice had stopped: perhaps a word the
     * recognizer added to finish a cut sentence.
     */
    DOUBTFUL,
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

  /** The words' verdict, from the text alone (a recognizer that gives no word times). */
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

  /**
   * The words' verdict, knowing where the last word starts and where the voice ended (seconds on
   * the same timeline, the start of the recognised audio).
   *
   * @param lastWordStart the start of the transcript's last word; empty when the recognizer gives
   *     no word times (then the text alone decides)
   * @param voiceEnd the end of the last voiced frame of the recognised audio
   */
  public static Verdict of(String transcript, OptionalDouble lastWordStart, double voiceEnd) {
    Verdict words = of(transcript);
    return words == Verdict.COMPLETE
            && lastWordStart.isPresent()
            && lastWordStart.getAsDouble() >= voiceEnd
        ? Verdict.DOUBTFUL
        : words;
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
