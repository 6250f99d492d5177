package ai.voice.stt.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Interim results of a session's open utterance, as a pure policy (no clock, no threads): when one
 * is due (every {@code intervalSamples} of new speech, one at a time) and what it says. Its stable
 * prefix follows LocalAgreement-2: a word becomes stable once two consecutive hypotheses agree on
 * it and on every word before it, and a stable word is never revised by a later interim. The rest
 * of the latest hypothesis is unstable. The final of the utterance, recognised on its whole audio,
 * is authoritative and replaces them all.
 */
final class InterimHypotheses {
  /** One interim result: the utterance (its start on the timeline), revision and text. */
  record Update(long utteranceStart, int revision, String stable, String unstable) {}

  private final long intervalSamples;
  private long utterance = -1;
  private long speechSinceLast;
  private long inFlightFor = -1;
  // The words of the previous hypothesis after the stable ones.
  private List<String> previousRest = List.of();
  private final List<String> stable = new ArrayList<>();
  private int revision;

  InterimHypotheses(long intervalSamples) {
    this.intervalSamples = intervalSamples;
  }

  /**
   * One frame of the session's audio.
   *
   * @param utteranceStart the open utterance's start, or -1 when none is open
   */
  void frame(long utteranceStart, boolean speech, int samples) {
    if (utteranceStart != utterance) {
      utterance = utteranceStart;
      speechSinceLast = 0;
      previousRest = List.of();
      stable.clear();
      revision = 0;
    }
    if (utterance >= 0) {
      // The utterance's time, its short gaps between words included: an interim is about what
      // the user has said so far, and LibriVox-like speech is voiced in only ~70 % of its frames.
      speechSinceLast += samples;
    }
  }

  /**
   * An interim is due: enough new speech in the open utterance (half the interval for its first, so
   * the first words show soon after the user starts), and none being recognised.
   */
  boolean due() {
    long needed = revision == 0 ? intervalSamples / 2 : intervalSamples;
    return utterance >= 0 && inFlightFor < 0 && speechSinceLast >= needed;
  }

  /** The open utterance so far went to the recognizer. */
  void sent() {
    inFlightFor = utterance;
    speechSinceLast = 0;
  }

  /**
   * The hypothesis for what was sent came back.
   *
   * @param text the hypothesis, or empty when its recognition failed (no interim then)
   * @return the interim to publish, unless its utterance has ended meanwhile or nothing was heard
   */
  Optional<Update> heard(Optional<String> text) {
    long forUtterance = inFlightFor;
    inFlightFor = -1;
    return hypothesis(forUtterance, text);
  }

  /**
   * A hypothesis of the utterance that starts at {@code forUtterance} from elsewhere: the
   * speculative recognition of its whole audio, fixed at a pause. It reaches the last word before
   * the end-point confirms the pause, so a client sees it sooner than the final.
   *
   * @return the interim to publish, unless that utterance is no longer the open one
   */
  Optional<Update> speculated(long forUtterance, String text) {
    return hypothesis(forUtterance, Optional.of(text));
  }

  private Optional<Update> hypothesis(long forUtterance, Optional<String> text) {
    if (forUtterance != utterance || utterance < 0 || text.isEmpty()) {
      return Optional.empty();
    }
    List<String> words = words(text.get());
    if (words.isEmpty()) {
      return Optional.empty();
    }
    // Where the stable words sit in this hypothesis: usually at its start, but whisper may add or
    // drop a word before them ("And Mr. John…" after "Mr. John…"); the rest is what follows them.
    int at = indexOf(words, stable);
    List<String> rest =
        words.subList(
            at >= 0 ? at + stable.size() : Math.min(stable.size(), words.size()), words.size());
    if (at >= 0) {
      int agreed = 0;
      while (agreed < Math.min(rest.size(), previousRest.size())
          && same(rest.get(agreed), previousRest.get(agreed))) {
        agreed++;
      }
      stable.addAll(rest.subList(0, agreed));
      rest = rest.subList(agreed, rest.size());
    }
    previousRest = List.copyOf(rest);
    return Optional.of(
        new Update(utterance, revision++, String.join(" ", stable), String.join(" ", rest)));
  }

  /** The first place where {@code part} occurs in {@code words}, or -1. */
  private static int indexOf(List<String> words, List<String> part) {
    for (int from = 0; from + part.size() <= words.size(); from++) {
      boolean match = true;
      for (int i = 0; i < part.size() && match; i++) {
        match = same(words.get(from + i), part.get(i));
      }
      if (match) {
        return from;
      }
    }
    return -1;
  }

  private static List<String> words(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
  }

  /** The same word, whatever its case or the punctuation around it. */
  private static boolean same(String a, String b) {
    return normal(a).equals(normal(b));
  }

  private static String normal(String word) {
    return word.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']", "");
  }
}
