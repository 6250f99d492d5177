package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audio front, chunk by chunk: format, frames, classification and the 16 kHz timeline. */
class AudioFrontTest {
  /** Speech wherever a frame is louder than a threshold; counts the detectors made and freed. */
  private static final class Loudness implements SpeechDetectorFactory {
    final int threshold;
    int made;
    int closed;

    Loudness() {
      this(0);
    }

    Loudness(int threshold) {
      this.threshold = threshold;
    }

    @Override
    public SpeechDetector create() {
      made++;
      return new SpeechDetector() {
        @Override
        public boolean isSpeech(short[] frame) {
          return Math.abs(frame[0]) > threshold;
        }

        @Override
        public void close() {
          closed++;
        }
      };
    }
  }

  private static byte[] pcm(int frames, int channels, short value) {
    byte[] out = new byte[frames * channels * 2];
    for (int i = 0; i < frames * channels; i++) {
      out[2 * i] = (byte) value;
      out[2 * i + 1] = (byte) (value >> 8);
    }
    return out;
  }

  @Test
  void chunksOfAnySizeBecomeWholeThirtyMillisecondFramesOnTheTimeline() {
    Loudness vad = new Loudness();
    Loudness endpointVad = new Loudness();
    AudioFront front = new AudioFront(vad, endpointVad, 16_000, 1, 0);
    assertTrue(front.accept(pcm(320, 1, (short) 500)).isEmpty(), "20 ms: no whole frame yet");
    List<AudioFront.Frame> frames = front.accept(pcm(320, 1, (short) 500));
    assertEquals(1, frames.size());
    assertEquals(SpeechDetector.FRAME_SAMPLES, frames.getFirst().samples().length);
    assertTrue(frames.getFirst().speech());
    assertEquals(640, front.timeline(), "every sample counts, whole frame or not");
    assertEquals(160, front.takeRemainder().length);
    front.close();
    assertEquals(1, vad.made);
    assertEquals(1, vad.closed);
    assertEquals(1, endpointVad.made);
    assertEquals(1, endpointVad.closed);
  }

  @Test
  void eachFrameCarriesTheOnsetAndTheEndPointingVadsOpinions() {
    AudioFront front = new AudioFront(new Loudness(0), new Loudness(1000), 16_000, 1, 0);
    AudioFront.Frame soft = front.accept(pcm(480, 1, (short) 500)).getFirst();
    assertTrue(soft.speech(), "the lenient VAD hears it");
    assertFalse(soft.holds(), "the stricter one does not: it counts towards the end-point");
    AudioFront.Frame loud = front.accept(pcm(480, 1, (short) 2000)).getFirst();
    assertTrue(loud.speech() && loud.holds());
  }

  @Test
  void stereoAt48kHzIsDownMixedAndResampledToTheSixteenKilohertzTimeline() {
    AudioFront front = new AudioFront(new Loudness(), new Loudness(), 16_000, 1, 0);
    front.format(48_000, 2);
    assertEquals(4, front.frameBytes());
    List<AudioFront.Frame> frames = front.accept(pcm(4_800, 2, (short) 0)); // 100 ms
    assertEquals(1_600, front.timeline());
    assertEquals(3, frames.size());
    assertFalse(frames.getFirst().speech());
    assertEquals(1_600, front.timelineSamples(4_800));
  }

  @Test
  void skippedAudioAndACarriedOnTimelineKeepPositionsTrue() {
    AudioFront front =
        new AudioFront(new Loudness(), new Loudness(), 16_000, 1, 32_000); // resumed at 2 s
    front.skip(8_000);
    front.accept(pcm(480, 1, (short) 1));
    assertEquals(32_000 + 8_000 + 480, front.timeline());
  }
}
