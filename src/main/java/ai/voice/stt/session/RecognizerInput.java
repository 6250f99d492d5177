package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;

/**
 * The audio of a segment that goes to the recognizer: all of it, except digital silence at its end
 * beyond {@link #TRAILING_DIGITAL_SILENCE_SAMPLES} (decisions/0037).
 *
 * <p>Exact zeros are not sound from a microphone: they are a client that muted its track (a
 * browser's muted track sends zeros), a push-to-talk release, or silence a program wrote. Whisper
 * treats the step from noise to such silence as an event and writes a word there ("you", "Thank
 * you."): offline, 7 of 7 noisy evaluation clips followed by 0.33 s of zeros gained one, none with
 * 0.1 s. Whisper pads every input with zeros to its window anyway; what the cap removes is only the
 * stretch in which the decoder may still place text. Not 0: with no silence after a head, the
 * end-of-turn measurement's pauses (digital silence) stopped being held (decisions/0037).
 */
final class RecognizerInput {
  /** 100 ms. */
  static final int TRAILING_DIGITAL_SILENCE_SAMPLES = AudioNormalizer.TARGET_RATE / 10;

  private RecognizerInput() {}

  /** The samples of {@code segment} the recognizer gets, as floats. */
  static float[] of(Segment segment) {
    return Pcm16.toFloat(segment.samples(), 0, length(segment));
  }

  /**
   * How many of the segment's samples the recognizer gets: the run of zeros that ends the segment
   * is cut to {@link #TRAILING_DIGITAL_SILENCE_SAMPLES}. Not the VAD's end of voice: the onset
   * VAD's hang-over reaches ~0.2 s into such silence, and no voice is exact zeros.
   */
  static int length(Segment segment) {
    short[] samples = segment.samples();
    int zerosFrom = samples.length;
    while (zerosFrom > 0 && samples[zerosFrom - 1] == 0) {
      zerosFrom--;
    }
    return Math.min(samples.length, zerosFrom + TRAILING_DIGITAL_SILENCE_SAMPLES);
  }
}
