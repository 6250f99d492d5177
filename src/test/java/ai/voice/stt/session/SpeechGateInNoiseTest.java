package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.NoisySpeech;
import ai.voice.stt.eval.NoisySpeech.Noise;
import ai.voice.stt.eval.NonSpeech;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The speech gate with its default thresholds on real frames: the corpus recordings under loud
 * noise, and generated steady noise, each classified by the service's onset VAD (WebRTC mode 2) as
 * a segment would be. Speech at 5 dB SNR in white noise is speech (the gate of decision 0023
 * refused a quarter of such utterances, decision 0033); steady noise the VAD calls speech is not.
 */
class SpeechGateInNoiseTest {
  private static final int FRAME = SpeechDetector.FRAME_SAMPLES;
  private static final SpeechGate DEFAULT =
      new SpeechGate(
          SegmenterSettings.frames(ConfigLoader.DEFAULT_MIN_VOICED_RUN),
          ConfigLoader.DEFAULT_MIN_VOICED_MODULATION_DB);
  private static final WebRtcSpeechDetectorFactory ONSET_VAD =
      new WebRtcSpeechDetectorFactory(ConfigLoader.DEFAULT_VAD_AGGRESSIVENESS);

  @Test
  void speechUnderLoudBroadbandNoiseIsSpeech() throws Exception {
    List<short[]> corpus = NoisySpeech.samples(Corpus.load(Path.of("fixtures")));
    List<String> refused = new ArrayList<>();
    for (Noise kind : List.of(Noise.WHITE, Noise.PINK)) {
      for (int i = 0; i < corpus.size(); i++) {
        short[] speech = corpus.get(i);
        int lead = 8_000;
        short[] noise = NoisySpeech.noise(kind, speech.length + 2 * lead, i + 1, -30, List.of());
        short[] mixed = NoisySpeech.mix(speech, noise, 5, lead, lead);
        if (!DEFAULT.isSpeech(voiced(mixed), frames(mixed))) {
          refused.add(kind + " " + i);
        }
      }
    }
    assertEquals(List.of(), refused, "corpus recordings at 5 dB SNR refused as non-speech");
  }

  @Test
  void steadyNoiseIsNotSpeechWhateverItsColour() {
    int checked = 0;
    for (NonSpeech.Spec spec : NonSpeech.mix(6, 1, 10)) {
      if (spec.kind() == NonSpeech.Kind.CLICKS || spec.kind() == NonSpeech.Kind.SILENCE) {
        continue; // clicks are the run rule's (and whisper leaves them blank); silence is unvoiced
      }
      short[] pcm = ai.voice.stt.audio.Pcm16.toMono(spec.clip().pcm(), 1);
      boolean[] voiced = voiced(pcm);
      // Only what the VAD calls speech reaches the gate: skip the clip that never opens an onset.
      if (SpeechGate.OFF.isSpeech(voiced, frames(pcm))) {
        checked++;
        assertTrue(
            !new SpeechGate(0, ConfigLoader.DEFAULT_MIN_VOICED_MODULATION_DB)
                .isSpeech(voiced, frames(pcm)),
            spec.name() + " passed the modulation rule");
      }
    }
    assertTrue(checked >= 20, "too few noise clips reached the gate: " + checked);
  }

  private static boolean[] voiced(short[] pcm) {
    short[][] frames = frames(pcm);
    boolean[] voiced = new boolean[frames.length];
    try (SpeechDetector vad = ONSET_VAD.create()) {
      for (int i = 0; i < frames.length; i++) {
        voiced[i] = vad.isSpeech(frames[i]);
      }
    }
    return voiced;
  }

  private static short[][] frames(short[] pcm) {
    short[][] frames = new short[pcm.length / FRAME][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = Arrays.copyOfRange(pcm, i * FRAME, (i + 1) * FRAME);
    }
    return frames;
  }
}
