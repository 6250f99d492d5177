package ai.voice.stt.session;

/**
 * A stretch of one session's 16 kHz audio cut for recognition.
 *
 * @param startSample position of the first sample in the session's 16 kHz timeline
 * @param isFinal true when the utterance ended here; false when the buffer limit cut it (partial)
 * @param hasVoice whether the VAD found speech in it
 */
public record Segment(short[] samples, long startSample, boolean isFinal, boolean hasVoice) {
  public long endSample() {
    return startSample + samples.length;
  }
}
