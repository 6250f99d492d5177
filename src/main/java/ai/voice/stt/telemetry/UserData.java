package ai.voice.stt.telemetry;

import java.util.Optional;

/**
 * What of a user's data may appear in spans and logs: by default transcripts (DEBUG logs) and
 * speaker ids (span attributes) do; with {@code STT_REDACT_USER_DATA=true} neither does. Session
 * ids stay: they are what ties a trace or a log line to a session (docs/operations.md, "Security").
 */
public record UserData(boolean redacted) {
  /** Transcripts and speaker ids shown. */
  public static final UserData SHOWN = new UserData(false);

  /** A transcript as a log may show it: the text, or only its length. */
  public String transcript(String text) {
    return redacted ? "(" + text.length() + " characters, redacted)" : '"' + text + '"';
  }

  /** A speaker id as a span may carry it: empty when redacted. */
  public Optional<String> speakerId(Optional<String> speakerId) {
    return redacted ? Optional.empty() : speakerId;
  }
}
