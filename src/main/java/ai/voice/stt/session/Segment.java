package ai.voice.stt.session;

/**
 * A stretch of one session's 16 kHz audio cut for recognition.
 *
 * @param startSample position of the first sample in the session's 16 kHz timeline
 * @param isFinal true when the utterance ended here; false when the buffer limit cut it (partial)
 * @param hasVoice whether it holds speech: the VAD heard some, and the {@link SpeechGate} took it
 *     for speech (only then does it go to the recognizer)
 * @param speechStartSample where the VAD heard speech begin in it (the start of its first voiced
 *     frame), on the session's timeline
 * @param speechEndSample where the VAD heard speech end in it (the end of its last frame that kept
 *     the utterance going, the one its end-point pause counts from); equal to {@code
 *     speechStartSample} when it heard none
 * @param voiceEndSample the end of its last frame in which either VAD (onset or end-point) heard
 *     voice: at or after {@code speechEndSample} (the lenient onset VAD also hears quiet word
 *     endings and its own hang-over); nothing after it was voice to either
 */
public record Segment(
    short[] samples,
    long startSample,
    boolean isFinal,
    boolean hasVoice,
    long speechStartSample,
    long speechEndSample,
    long voiceEndSample) {

  /** A segment whose speech span is all of it (no VAD frames to tell otherwise). */
  public Segment(short[] samples, long startSample, boolean isFinal, boolean hasVoice) {
    this(
        samples,
        startSample,
        isFinal,
        hasVoice,
        startSample,
        startSample + samples.length,
        startSample + samples.length);
  }

  public long endSample() {
    return startSample + samples.length;
  }
}
