package ai.voice.stt.session;

import java.util.Arrays;

/**
 * Whether a stretch that the VAD opened an utterance on holds speech, and so goes to the recognizer
 * (issue 23, decisions/0023). Whisper writes text on any audio it is given ("you", "I'm going to do
 * it."), and whisper.cpp 1.7.1 has no way to drop it: its no-speech threshold is not implemented in
 * that version, and the log-probability threshold acts only in the temperature fallback, which
 * yields other invented text, not none. So non-speech has to be kept from it, and the WebRTC VAD
 * lets two kinds through, each caught here by one rule:
 *
 * <ul>
 *   <li><b>Blips</b>: a few voiced frames (the VAD's first frames in new noise, clicks, bursts of
 *       rumble) open an utterance after {@code STT_MIN_SPEECH_MS}; real words hold a longer run.
 *       The longest run of voiced frames must reach {@code minVoicedRunFrames}.
 *   <li><b>Steady noise</b>: hiss, fan noise, hum loud enough that the VAD calls every frame speech
 *       for seconds. Speech rises and falls from syllable to syllable; steady noise does not. The
 *       voiced frames' energy, after pre-emphasis (so rumble and pink noise count as steady as
 *       hiss), must reach {@code minModulationDb} above its median at the 95th percentile.
 * </ul>
 *
 * A pure policy over the frames of one segment.
 *
 * @param minVoicedRunFrames voiced frames in a row the segment must hold somewhere; 0: any
 * @param minModulationDb how far the loud voiced frames must rise above the median voiced frame; 0:
 *     any
 */
public record SpeechGate(int minVoicedRunFrames, double minModulationDb) {
  /** Every stretch the VAD heard anything in is speech (the behaviour before the gate). */
  public static final SpeechGate OFF = new SpeechGate(0, 0);

  private static final double PRE_EMPHASIS = 0.97;

  /**
   * @param voiced the VAD's opinion of each frame
   * @param frames the frames' samples, in order
   */
  public boolean isSpeech(boolean[] voiced, short[][] frames) {
    int voicedCount = 0;
    int run = 0;
    int longest = 0;
    for (boolean v : voiced) {
      run = v ? run + 1 : 0;
      longest = Math.max(longest, run);
      voicedCount += v ? 1 : 0;
    }
    if (voicedCount == 0 || longest < minVoicedRunFrames) {
      return false;
    }
    if (minModulationDb <= 0) {
      return true;
    }
    double[] levels = new double[voicedCount];
    int k = 0;
    for (int i = 0; i < voiced.length; i++) {
      if (voiced[i]) {
        levels[k++] = levelDb(frames[i]);
      }
    }
    return modulationDb(levels) >= minModulationDb;
  }

  /** The 95th percentile of the levels above their median, in dB. */
  static double modulationDb(double[] levels) {
    double[] sorted = levels.clone();
    Arrays.sort(sorted);
    int last = sorted.length - 1;
    return sorted[(int) (0.95 * last)] - sorted[last / 2];
  }

  /** Mean power of the pre-emphasised frame, in dB over one unit of PCM16 squared. */
  static double levelDb(short[] frame) {
    double sum = 0;
    for (int i = 1; i < frame.length; i++) {
      double d = frame[i] - PRE_EMPHASIS * frame[i - 1];
      sum += d * d;
    }
    return 10 * Math.log10(sum / Math.max(1, frame.length - 1) + 1);
  }
}
