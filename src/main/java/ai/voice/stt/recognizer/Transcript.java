package ai.voice.stt.recognizer;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a recognizer heard in one stretch of audio.
 *
 * @param segments times in seconds relative to the start of the stretch
 * @param processingSeconds time spent inside the recognizer, excluding queueing
 * @param words the words with their times (relative to the start of the stretch) and confidence,
 *     where the recognizer gives them (the local one does); empty otherwise
 * @param confidence the mean probability of the text's tokens, in [0, 1]; empty where the
 *     recognizer gives none
 */
public record Transcript(
    String text,
    List<Timed> segments,
    Optional<String> language,
    double processingSeconds,
    List<Word> words,
    OptionalDouble confidence) {
  /** A piece of the text with its times, seconds from the start of the stretch. */
  public record Timed(String text, double start, double end) {}

  /**
   * A word with its times (seconds from the start of the stretch) and the mean probability of its
   * tokens.
   */
  public record Word(String text, double start, double end, double confidence) {}

  public Transcript {
    segments = List.copyOf(segments);
    words = List.copyOf(words);
  }

  /** Without words or confidence (recognizers that give none). */
  public Transcript(
      String text, List<Timed> segments, Optional<String> language, double processingSeconds) {
    this(text, segments, language, processingSeconds, List.of(), OptionalDouble.empty());
  }
}
