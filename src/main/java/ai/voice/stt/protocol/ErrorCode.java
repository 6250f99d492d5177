package ai.voice.stt.protocol;

/** The {@code code} field of an {@code error} output message. */
public enum ErrorCode {
  /** Not msgpack, not a map, no {@code type}, or a field of the wrong kind. */
  BAD_MESSAGE("bad_message"),
  UNKNOWN_TYPE("unknown_type"),
  INVALID_BASE64("invalid_base64"),
  /** PCM byte count is not a whole number of 16-bit samples for every channel. */
  INVALID_PCM_LENGTH("invalid_pcm_length"),
  UNSUPPORTED_SAMPLE_RATE("unsupported_sample_rate"),
  UNSUPPORTED_CHANNELS("unsupported_channels"),
  /** A {@code start}'s {@code language} is not one Whisper knows. */
  UNSUPPORTED_LANGUAGE("unsupported_language"),
  INVALID_STATE("invalid_state"),
  SESSION_ID_MISMATCH("session_id_mismatch"),
  CHUNK_TOO_LARGE("chunk_too_large"),
  /** A start for a session that already received audio. */
  ALREADY_STARTED("already_started"),
  /** A message for a session that is flushing after {@code end} or expiry. */
  SESSION_CLOSING("session_closing"),
  /**
   * A {@code chunk} or {@code state_change} for a session that ended a moment ago (its {@code
   * end_of_stream} result is out): it opens nothing; a {@code start} opens a new session.
   */
  SESSION_ENDED("session_ended"),
  /**
   * Audio for a session whose {@code start} was rejected: refused until a valid {@code start}
   * arrives, so that it is never taken as 16 kHz mono by default.
   */
  START_REJECTED("start_rejected"),
  /** A {@code state_change} for a session id that has no session: only start or audio opens one. */
  NO_SESSION("no_session"),
  SESSION_LIMIT("session_limit"),
  /**
   * A new session was refused because the inference queue is saturated ({@code
   * STT_ADMISSION_QUEUE_DEPTH} recognitions waiting): sessions in progress keep their latency;
   * nothing the client sent before was lost. Retry shortly or on another replica.
   */
  SERVICE_BUSY("service_busy"),
  /**
   * The session sent as much audio as one session may ({@code STT_MAX_SESSION_AUDIO_SECONDS}): the
   * audio up to the limit is transcribed, the rest refused, and the session ends.
   */
  SESSION_AUDIO_LIMIT("session_audio_limit"),
  /** The session has been open as long as one may ({@code STT_MAX_SESSION_DURATION}); it ends. */
  SESSION_DURATION_LIMIT("session_duration_limit"),
  /** The inference queue was full: the named stretch of audio was not transcribed. */
  OVERLOADED("overloaded"),
  /** The recognizer failed on a stretch of audio. */
  RECOGNIZER_ERROR("recognizer_error"),
  /**
   * The recognizer could not be reached or did not answer in time (the HTTP recognizer's retries
   * ran out, its request timed out, or its circuit is open): the named stretch of audio was not
   * transcribed.
   */
  RECOGNIZER_UNAVAILABLE("recognizer_unavailable"),
  INTERNAL("internal_error"),
  /**
   * Audio the client sent, or a result of it, was lost to a fault (a replica that died, audio older
   * than the input stream keeps when its session moved, a NATS outage): the message names the
   * stretch of the session's audio; the session goes on with later audio.
   */
  AUDIO_LOST("audio_lost"),
  /**
   * The recognition of the named stretch of audio ran past its deadline ({@code
   * STT_RECOGNITION_TIMEOUT_BASE} + {@code STT_RECOGNITION_TIMEOUT_FACTOR} x its length) and was
   * given up: that stretch was not transcribed; the session goes on.
   */
  RECOGNITION_TIMEOUT("recognition_timeout");

  private final String wireName;

  ErrorCode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
