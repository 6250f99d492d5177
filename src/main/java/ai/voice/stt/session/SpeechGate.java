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
 *       for seconds. Speech rises and falls from syllable to syllable; steady noise does not. In at
 *       least one band of the speech spectrum ({@link BandLevels}), the voiced frames' energy,
 *       averaged over 90 ms, must reach {@code minModulationDb} above its median at the 95th
 *       percentile. Per band, so speech under loud broadband noise, which hides the rise of its
 *       syllables in the frame's total energy, still shows it where it is loudest (decisions/0033).
 * </ul>
 *
 * A pure policy over the frames of one segment.
 *
 * @param minVoicedRunFrames voiced frames in a row the segment must hold somewhere; 0: any
 * @param minModulationDb how far the loud voiced frames must rise above the median voiced frame in
 *     the band where they rise most; 0: any
 */
public record SpeechGate(int minVoicedRunFrames, double minModulationDb) {
  /** Every stretch the VAD heard anything in is speech (the behaviour before the gate). */
  public static final SpeechGate OFF = new SpeechGate(0, 0);

  // Consecutive voiced frames whose power is averaged before the modulation is taken (90 ms).
  private static final int SMOOTHING_FRAMES = 3;

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
    double[][] bands = new double[BandLevels.BANDS][voicedCount];
    int k = 0;
    for (int i = 0; i < voiced.length; i++) {
      if (voiced[i]) {
        double[] levels = BandLevels.of(frames[i]);
        for (int b = 0; b < levels.length; b++) {
          bands[b][k] = levels[b];
        }
        k++;
      }
    }
    double modulation = 0;
    for (double[] band : bands) {
      modulation = Math.max(modulation, modulationDb(smoothed(band)));
    }
    return modulation >= minModulationDb;
  }

  /**
   * Each run of {@link #SMOOTHING_FRAMES} levels averaged as power: a syllable lasts longer than
   * that, the chance peaks of a noise band's energy in one frame do not.
   */
  static double[] smoothed(double[] levelsDb) {
    if (levelsDb.length < SMOOTHING_FRAMES) {
      return levelsDb;
    }
    double[] out = new double[levelsDb.length - SMOOTHING_FRAMES + 1];
    for (int i = 0; i < out.length; i++) {
      double power = 0;
      for (int j = 0; j < SMOOTHING_FRAMES; j++) {
        power += Math.pow(10, levelsDb[i + j] / 10);
      }
      out[i] = 10 * Math.log10(power / SMOOTHING_FRAMES);
    }
    return out;
  }

  /** The 95th percentile of the levels above their median, in dB. */
  static double modulationDb(double[] levels) {
    double[] sorted = levels.clone();
    Arrays.sort(sorted);
    int last = sorted.length - 1;
    return sorted[(int) (0.95 * last)] - sorted[last / 2];
  }
}
