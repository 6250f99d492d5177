package ai.voice.stt.recognizer.http;

import java.time.Duration;
import java.util.Optional;

/** How one HTTP attempt ended, which decides whether to retry and what the breaker learns. */
sealed interface Outcome {

  /** The server transcribed the audio. */
  record Answered(TranscriptionResponse.Heard heard) implements Outcome {}

  /**
   * The server is alive but refused or garbled this request (4xx other than 408/429, an error in
   * the answer, an unreadable answer): sending it again would get the same.
   */
  record Rejected(String reason) implements Outcome {}

  /**
   * Worth another attempt: connection refused or reset, 408, 429, 5xx. The audio is the same and
   * transcription has no side effects, so a retry is always safe.
   */
  record Failed(String reason, Optional<Duration> retryAfter) implements Outcome {}

  /**
   * No answer within the request timeout. Not retried: the server is probably still working on it,
   * and sending the audio again would pile more work onto a server that is already too slow.
   */
  record TimedOut(String reason) implements Outcome {}
}
