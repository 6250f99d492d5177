package ai.voice.stt.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the WAV reader (Jazzer; docs/decisions/0008-fuzzing.md and 0012). An
 * ordinary test run replays the seeds in {@code WavReaderFuzzTestInputs/parseAnyBytes} (valid
 * plain, WAVE_FORMAT_EXTENSIBLE and pipe-written WAVs and broken headers); {@code JAZZER_FUZZ=1}
 * mutates them (scripts/fuzz.sh). The property: any byte string is either a clip within the
 * reader's bounds or a {@link WavFormatException} that names the upload. Anything else (an
 * arithmetic or index exception, running out of memory, a hang) is a finding.
 */
class WavReaderFuzzTest {

  @FuzzTest
  void parseAnyBytes(byte[] bytes) {
    AudioClip clip;
    try {
      clip = WavReader.parse(bytes, "fuzz.wav");
    } catch (WavFormatException rejected) {
      assertTrue(rejected.getMessage().startsWith("fuzz.wav: "), rejected.getMessage());
      assertTrue(rejected.getMessage().length() > "fuzz.wav: ".length(), "it says why");
      return;
    }
    assertTrue(clip.channels() >= 1 && clip.channels() <= WavReader.MAX_CHANNELS);
    assertTrue(clip.sampleRate() >= 1 && clip.sampleRate() <= WavReader.MAX_SAMPLE_RATE);
    assertEquals(0, clip.pcm().length % (2 * clip.channels()), "whole sample frames");
    assertTrue(clip.pcm().length <= bytes.length - 44, "the audio came from the input");
  }
}
