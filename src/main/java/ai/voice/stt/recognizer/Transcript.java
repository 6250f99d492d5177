package ai.voice.stt.recognizer;

import java.util.List;
import java.util.Optional;

/**
 * What a recognizer heard in one stretch of audio.
 *
 * @param segments times in seconds relative to the start of the stretch
 * @param processingSeconds time spent inside the recognizer, excluding queueing
 */
public record Transcript(
    String text, List<Timed> segments, Optional<String> language, double processingSeconds) {
  /** A piece of the text with its times, seconds from the start of the stretch. */
  public record Timed(String text, double start, double end) {}

  public Transcript {
    segments = List.copyOf(segments);
  }
}
