package ai.voice.stt.protocol;

import java.util.List;
import java.util.Optional;

/** One message of {@code ai.voice.transcription.{session_id}}. */
public sealed interface OutputMessage {
  String sessionId();

  /** A timed piece of a transcript, seconds relative to the session's audio. */
  record TimedText(String text, double start, double end) {}

  /**
   * A transcription result. Results of a session cover disjoint, consecutive stretches of its
   * audio; {@code endOfStream} marks the single last one.
   */
  record Transcription(
      String sessionId,
      String transcript,
      long sequence,
      boolean isPartial,
      boolean isFinal,
      double timestamp,
      Optional<String> speakerId,
      boolean hasVoiceActivity,
      SessionState state,
      double audioStart,
      double audioEnd,
      Optional<String> language,
      double processingTime,
      double queueTime,
      List<TimedText> segments,
      boolean endOfStream,
      Optional<String> endReason)
      implements OutputMessage {
    public Transcription {
      segments = List.copyOf(segments);
    }
  }

  /** The user started speaking while the assistant was responding. */
  record Interrupt(String sessionId, double timestamp, Optional<String> speakerId)
      implements OutputMessage {}

  /** A message could not be handled; other sessions are unaffected. */
  record Error(String sessionId, ErrorCode code, String message, double timestamp)
      implements OutputMessage {}
}
