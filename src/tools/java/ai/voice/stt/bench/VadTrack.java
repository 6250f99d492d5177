package ai.voice.stt.bench;

import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One stream classified by one VAD as a session would (its onset detector, and its end-pointing one
 * unless the same factory serves both), and what {@code stt vad-check} reads from the flags: where
 * utterances would open and where the VAD decides that speech has ended. The onset rule mirrors the
 * segmenter's defaults (a voiced run of {@code minSpeechFrames} opens, {@code endpointFrames} of
 * pause close, onsets re-arm at the first quiet frame after a close; decisions/0019).
 *
 * @param onset the onset VAD's flag per 30 ms frame
 * @param holds the end-pointing VAD's flag per frame
 * @param cpuNanos CPU time the detectors took on the calling thread
 */
record VadTrack(boolean[] onset, boolean[] holds, long cpuNanos) {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** A VAD as a session uses it. */
  record Vad(String name, SpeechDetectorFactory onset, SpeechDetectorFactory endpoint) {}

  static VadTrack classify(Vad vad, short[] samples) {
    int frames = samples.length / SpeechDetector.FRAME_SAMPLES;
    boolean[] onset = new boolean[frames];
    boolean[] holds = new boolean[frames];
    long started = THREADS.getCurrentThreadCpuTime();
    try (SpeechDetector a = vad.onset().create();
        SpeechDetector b = vad.endpoint() == vad.onset() ? null : vad.endpoint().create()) {
      for (int f = 0; f < frames; f++) {
        int from = f * SpeechDetector.FRAME_SAMPLES;
        short[] frame = Arrays.copyOfRange(samples, from, from + SpeechDetector.FRAME_SAMPLES);
        onset[f] = a.isSpeech(frame);
        holds[f] = b == null ? onset[f] : b.isSpeech(frame);
      }
    }
    return new VadTrack(onset, holds, THREADS.getCurrentThreadCpuTime() - started);
  }

  /**
   * An utterance the segmenter's rule would cut: frames {@code open} (inclusive) to {@code close}.
   */
  record Utterance(int open, int close) {
    boolean covers(int frame) {
      return frame >= open && frame < close;
    }
  }

  /** The utterances the onset rule opens and the end-point closes (the last may run to the end). */
  List<Utterance> utterances(int minSpeechFrames, int endpointFrames) {
    List<Utterance> cut = new ArrayList<>();
    boolean inUtterance = false;
    boolean armed = true;
    boolean heard = false;
    int run = 0;
    int quiet = 0;
    int opened = 0;
    for (int f = 0; f < onset.length; f++) {
      if (!inUtterance) {
        if (!onset[f]) {
          armed = true;
          run = 0;
        } else if (armed && ++run >= minSpeechFrames) {
          opened = f - run + 1;
          inUtterance = true;
          heard = false;
          quiet = 0;
        }
        continue;
      }
      // The end-pointing VAD counts once it has heard the utterance, the onset VAD until then.
      heard |= holds[f];
      boolean pause = heard ? !holds[f] : !onset[f];
      quiet = pause ? quiet + 1 : 0;
      if (quiet >= endpointFrames) {
        cut.add(new Utterance(opened, f + 1));
        inUtterance = false;
        armed = false;
        run = 0;
      }
    }
    if (inUtterance) {
      cut.add(new Utterance(opened, onset.length));
    }
    return cut;
  }

  /**
   * The first frame of the end-pointing VAD's last quiet run at or after {@code from}: where it
   * decided the speech before it had ended; -1 when it never called a frame speech there.
   */
  int silenceFrom(int from) {
    int last = -1;
    for (int f = from; f < holds.length; f++) {
      if (holds[f]) {
        last = f;
      }
    }
    return last < 0 ? -1 : last + 1;
  }

  int voicedFrames() {
    int n = 0;
    for (boolean v : onset) {
      n += v ? 1 : 0;
    }
    return n;
  }
}
