package ai.voice.stt.session;

import ai.voice.stt.audio.Pcm16;

/**
 * The audio of a segment that goes to the recognizer: all of it up to its last sample that is not
 * digital silence (decisions/0037).
 *
 * <p>Exact zeros are not sound from a microphone, whose noise floor never rests at zero: they are a
 * client that muted its track (a browser's muted track sends zeros), a push-to-talk release, or
 * silence a program wrote. Whisper takes the step from noise to such silence for an event and
 * writes a word after it ("you", "Thanks for watching."): offline, 7 of 7 noisy evaluation clips
 * followed by 0.33 s of zeros gained one, 1 of 7 with 0.2 s, none with 0.1 s; streamed, a 100 ms
 * remainder still let some through. Whisper pads every input with zeros to its window anyway; what
 * the cut removes is only the stretch in which the decoder may still place text.
 */
final class RecognizerInput {
  private RecognizerInput() {}

  /** The samples of {@code segment} the recognizer gets, as floats. */
  static float[] of(Segment segment) {
    return Pcm16.toFloat(segment.samples(), 0, length(segment));
  }

  /**
   * How many of the segment's samples the recognizer gets: the run of zeros that ends the segment
   * is left out (all of a segment that is nothing but zeros is kept: there is nothing to cut it
   * from). Not counted from the VAD's end of voice: the onset VAD's hang-over reaches ~0.2 s into
   * such silence, and no voice is exact zeros.
   */
  static int length(Segment segment) {
    short[] samples = segment.samples();
    int zerosFrom = samples.length;
    while (zerosFrom > 0 && samples[zerosFrom - 1] == 0) {
      zerosFrom--;
    }
    return zerosFrom == 0 ? samples.length : zerosFrom;
  }
}
