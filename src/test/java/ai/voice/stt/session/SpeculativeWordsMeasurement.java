package ai.voice.stt.session;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.eval.TurnRequests;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Transcript;
import ai.voice.stt.support.TestData;
import ai.voice.stt.turn.TranscriptCompleteness;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data behind the end-of-turn rule on doubtful words (decisions/0026), only when asked ({@code
 * -Dstt.turn.words=true}): the spoken requests of {@link TurnRequests} go through the service's own
 * front end (WebRTC VAD, segmenter, default settings) frame by frame, and the first audio offered
 * for speculation (the head before the mid-sentence pause; the whole of a complete turn) is
 * recognised by tiny.en as the service does. Printed: each answer's words with their confidence and
 * their times relative to the end of voice (where the end-pointing VAD stopped hearing speech), and
 * what the turn policy's words make of it. No clock: the same audio gives the same lines.
 */
class SpeculativeWordsMeasurement {
  private static final int[] PAUSES = {600, 700, 800, 900};

  @TempDir static Path speech;

  @Test
  void printWhenAsked() throws Exception {
    if (!Boolean.getBoolean("stt.turn.words")) {
      return;
    }
    SttConfig config =
        ConfigLoader.load(
            Map.of(
                "STT_MODEL_PATH",
                TestData.model().toString(),
                "STT_VAD_MODEL_PATH",
                TestData.vadModel().toString()),
            Runtime.getRuntime().availableProcessors());
    SttConfig.Streaming s = config.streaming();
    try (LocalWhisperRecognizer whisper =
        new LocalWhisperRecognizer(TestData.model(), 1, 2, config.recognition().audioContext())) {
      for (int i = 0; i < TurnRequests.REQUESTS.size(); i++) {
        AudioClip clip =
            TurnRequests.withPause(
                TurnRequests.REQUESTS.get(i), PAUSES[i % PAUSES.length], 2000, speech);
        print("pause", i, clip, s, whisper);
      }
      List<String> turns = new ArrayList<>(TurnRequests.SHORT_ANSWERS);
      TurnRequests.REQUESTS.forEach(r -> turns.add(r.sentence() + "."));
      for (int i = 0; i < turns.size(); i++) {
        print("complete", i, TurnRequests.sentence(turns.get(i), 2000, speech), s, whisper);
      }
    }
  }

  private static void print(
      String kind, int index, AudioClip clip, SttConfig.Streaming s, LocalWhisperRecognizer whisper)
      throws Exception {
    Segmenter segmenter = new Segmenter(SegmenterSettings.from(s));
    try (AudioFront front =
        new AudioFront(
            new WebRtcSpeechDetectorFactory(s.vadAggressiveness()),
            new WebRtcSpeechDetectorFactory(s.endpointVadAggressiveness()),
            clip.sampleRate(),
            clip.channels(),
            0)) {
      for (AudioFront.Frame frame : front.accept(clip.pcm())) {
        segmenter.accept(frame.samples(), frame.speech(), frame.holds());
        var settled = segmenter.settled();
        if (settled.isPresent()) {
          Segment candidate = settled.get();
          double voiced =
              (candidate.samples().length - segmenter.trailingSilenceSamples()) / 16_000.0;
          float[] audio = Pcm16.toFloat(candidate.samples(), 0, candidate.samples().length);
          Transcript t = whisper.transcribe(audio, Hints.NONE);
          StringBuilder line = new StringBuilder();
          for (Transcript.Word w : t.words()) {
            line.append(
                String.format(
                    Locale.ROOT,
                    " [%s %.2f %+.2f %+.2f]",
                    w.text(),
                    w.confidence(),
                    w.start() - voiced,
                    w.end() - voiced));
          }
          TranscriptCompleteness.Verdict verdict =
              TranscriptCompleteness.of(
                  t.text(),
                  t.words().isEmpty()
                      ? OptionalDouble.empty()
                      : OptionalDouble.of(t.words().getLast().start()),
                  voiced);
          System.out.printf(
              Locale.ROOT,
              "WORDS %s %d %s (text alone %s) voiced %.2f s of %.2f s: \"%s\"%s%n",
              kind,
              index,
              verdict,
              TranscriptCompleteness.of(t.text()),
              voiced,
              candidate.samples().length / 16_000.0,
              t.text(),
              line);
          return;
        }
      }
    }
  }
}
