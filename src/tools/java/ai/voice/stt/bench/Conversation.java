package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.eval.Corpus;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated caller: real corpus recordings (16 kHz mono) separated by pauses, as one stream.
 *
 * @param utterances where each recording sits in the stream, in seconds
 */
record Conversation(AudioClip clip, List<Utterance> utterances) {

  /** One recording inside the conversation. */
  record Utterance(String name, String reference, double start, double end) {}

  static Conversation of(
      List<Corpus.Recording> recordings, double leadingSilence, double pause, double trailing) {
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
      pcm.writeBytes(clip.pcm());
      spans.add(new Utterance(r.name(), r.reference(), start, pcm.size() / 32_000.0));
      silence(pcm, i == recordings.size() - 1 ? trailing : pause);
    }
    return new Conversation(new AudioClip(pcm.toByteArray(), 16_000, 1), List.copyOf(spans));
  }

  private static void silence(ByteArrayOutputStream pcm, double seconds) {
    pcm.writeBytes(new byte[(int) Math.round(seconds * 16_000) * 2]);
  }
}
