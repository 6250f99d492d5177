package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated caller: real corpus recordings (16 kHz mono) separated by pauses, as one stream.
 *
 * @param utterances where each recording sits in the stream, in seconds
 */
record Conversation(AudioClip clip, List<Utterance> utterances) {

  /**
   * One recording inside the conversation.
   *
   * @param speechStart the first voiced sample (WebRTC VAD, mode 2), seconds in the stream
   * @param speechEnd the last voiced sample: where a user's turn ends
   */
  record Utterance(
      String name,
      String reference,
      double start,
      double end,
      double speechStart,
      double speechEnd) {}

  static Conversation of(
      List<Corpus.Recording> recordings, double leadingSilence, double pause, double trailing) {
    return of(recordings, leadingSilence, pause, trailing, 0);
  }

  /**
   * As {@link #of(List, double, double, double)}, each recording with a hesitation: {@code
   * hesitation} seconds of silence put in at its quietest 30 ms frame in the middle third of its
   * voiced span (a speaker who stops mid-sentence and goes on; a speculative recognition started in
   * that pause becomes useless when speech resumes). 0: none.
   */
  static Conversation of(
      List<Corpus.Recording> recordings,
      double leadingSilence,
      double pause,
      double trailing,
      double hesitation) {
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    List<Utterance> spans = new ArrayList<>();
    silence(pcm, leadingSilence);
    for (int i = 0; i < recordings.size(); i++) {
      Corpus.Recording r = recordings.get(i);
      AudioClip clip = r.clip();
      if (clip.sampleRate() != 16_000 || clip.channels() != 1) {
        throw new IllegalArgumentException(r.name() + " is not 16 kHz mono");
      }
      double start = pcm.size() / 32_000.0;
      double[] speech = voiced(clip);
      if (hesitation > 0) {
        int at =
            quietest(
                clip,
                speech[0] + (speech[1] - speech[0]) / 3,
                speech[0] + 2 * (speech[1] - speech[0]) / 3);
        pcm.write(clip.pcm(), 0, at);
        silence(pcm, hesitation);
        pcm.write(clip.pcm(), at, clip.pcm().length - at);
        speech[1] += hesitation;
      } else {
        pcm.writeBytes(clip.pcm());
      }
      spans.add(
          new Utterance(
              r.name(),
              r.reference(),
              start,
              pcm.size() / 32_000.0,
              start + speech[0],
              start + speech[1]));
      silence(pcm, i == recordings.size() - 1 ? trailing : pause);
    }
    return new Conversation(new AudioClip(pcm.toByteArray(), 16_000, 1), List.copyOf(spans));
  }

  /** The byte offset of the quietest 30 ms frame between {@code from} and {@code to} seconds. */
  private static int quietest(AudioClip clip, double from, double to) {
    short[] samples = Pcm16.toMono(clip.pcm(), 1);
    int frame = SpeechDetector.FRAME_SAMPLES;
    int best = (int) (from * 16_000) / frame * frame;
    double bestEnergy = Double.MAX_VALUE;
    for (int i = best; i + frame <= Math.min(samples.length, (int) (to * 16_000)); i += frame) {
      double energy = 0;
      for (int j = i; j < i + frame; j++) {
        energy += (double) samples[j] * samples[j];
      }
      if (energy < bestEnergy) {
        bestEnergy = energy;
        best = i;
      }
    }
    return best * 2;
  }

  /** The first and last voiced 30 ms frame of a 16 kHz mono clip, in seconds (WebRTC VAD). */
  static double[] voiced(AudioClip clip) {
    short[] samples = Pcm16.toMono(clip.pcm(), 1);
    int frame = SpeechDetector.FRAME_SAMPLES;
    int first = -1;
    int last = -1;
    try (SpeechDetector vad = new WebRtcSpeechDetectorFactory(2).create()) {
      for (int i = 0; i + frame <= samples.length; i += frame) {
        if (vad.isSpeech(Arrays.copyOfRange(samples, i, i + frame))) {
          first = first < 0 ? i : first;
          last = i + frame;
        }
      }
    }
    if (first < 0) {
      return new double[] {0, clip.seconds()};
    }
    return new double[] {first / 16_000.0, last / 16_000.0};
  }

  private static void silence(ByteArrayOutputStream pcm, double seconds) {
    pcm.writeBytes(new byte[(int) Math.round(seconds * 16_000) * 2]);
  }
}
