package ai.voice.stt.recognizer.whisper;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.support.TestData;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * whisper.cpp's abort_callback through the binding: a flag set before the call stops it at the
 * first check (no text read), an unset flag changes nothing, and the same state decodes normally
 * afterwards.
 */
class AbortTest {
  @Test
  void aSetFlagStopsTheCallAndTheStateStaysUsable() throws Exception {
    AudioClip clip = TestData.recording("austen_0870").clip();
    short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    float[] samples = Pcm16.toFloat(pcm, 0, pcm.length);
    try (WhisperModel model = WhisperModel.load(TestData.model(), false);
        WhisperState state = model.newState()) {
      try (AbortFlag flag = new AbortFlag()) {
        flag.abort();
        DecodeRequest request =
            new DecodeRequest("en", Optional.empty(), 0, 1, false, Optional.of(flag));
        assertThrows(WhisperAbortedException.class, () -> state.decode(request, samples));
      }
      try (AbortFlag flag = new AbortFlag()) {
        DecodeRequest request =
            new DecodeRequest("en", Optional.empty(), 768, 2, false, Optional.of(flag));
        List<WhisperState.Segment> segments = state.decode(request, samples);
        assertFalse(flag.aborted());
        assertTrue(
            segments.stream().anyMatch(s -> s.text().contains("Dashwood")), segments.toString());
      }
    }
  }
}
