package ai.voice.stt.recognizer;

import ai.voice.stt.protocol.OutputMessage.TimedText;
import java.util.List;
import java.util.Optional;

/**
 * What a recognizer heard in one stretch of audio.
 *
 * @param segments times in seconds relative to the start of the stretch
 * @param processingSeconds time spent inside the recognizer, excluding queueing
 */
public record Transcript(
    String text, List<TimedText> segments, Optional<String> language, double processingSeconds) {
  public Transcript {
    segments = List.copyOf(segments);
  }
}
