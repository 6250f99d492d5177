package ai.voice.stt.session;

import java.util.ArrayList;
import java.util.List;

/** Slices a stream of samples of arbitrary chunk sizes into fixed frames, carrying the rest. */
final class FrameAssembler {
  private final int frameSize;
  private short[] partial;
  private int filled;

  FrameAssembler(int frameSize) {
    this.frameSize = frameSize;
    this.partial = new short[frameSize];
  }

  List<short[]> add(short[] samples) {
    List<short[]> frames = new ArrayList<>(samples.length / frameSize + 1);
    int offset = 0;
    while (offset < samples.length) {
      int n = Math.min(frameSize - filled, samples.length - offset);
      System.arraycopy(samples, offset, partial, filled, n);
      filled += n;
      offset += n;
      if (filled == frameSize) {
        frames.add(partial);
        partial = new short[frameSize];
        filled = 0;
      }
    }
    return frames;
  }

  /** The samples that do not make a whole frame yet; the assembler is empty afterwards. */
  short[] takeRemainder() {
    short[] rest = java.util.Arrays.copyOf(partial, filled);
    filled = 0;
    return rest;
  }
}
