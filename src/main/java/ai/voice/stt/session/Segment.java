package ai.voice.stt.session;

/**
 * A stretch of one session's 16 kHz audio cut for recognition.
 *
 * @param startSample position of the first sample in the session's 16 kHz timeline
 * @param isFinal true when the utterance ended here; false when the buffer limit cut it (partial)
 * @param hasVoice whether it holds speech: the VAD heard some, and the {@link SpeechGate} took it
 *     for speech (only then does it go to the recognizer)
 */
public record Segment(short[] samples, long startSample, boolean isFinal, boolean hasVoice) {
  public long endSample() {
    return startSample + samples.length;
  }
}
