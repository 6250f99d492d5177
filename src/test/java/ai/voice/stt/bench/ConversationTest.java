package ai.voice.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.support.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's simulated callers: recordings in one stream, with or without a hesitation. */
class ConversationTest {
  @Test
  void aHesitationPutsSilenceInsideEachUtteranceAndMovesItsSpeechEnd() {
    List<Corpus.Recording> two = TestData.corpus().subList(0, 2);
    Conversation plain = Conversation.of(two, 0.5, 1.5, 1.5);
    Conversation hesitant = Conversation.of(two, 0.5, 1.5, 1.5, 0.4);
    assertEquals(plain.clip().seconds() + 0.8, hesitant.clip().seconds(), 1e-6);
    for (int i = 0; i < 2; i++) {
      Conversation.Utterance p = plain.utterances().get(i);
      Conversation.Utterance h = hesitant.utterances().get(i);
      assertEquals(p.start() + 0.4 * i, h.start(), 1e-6);
      assertEquals(p.speechEnd() + 0.4 * (i + 1), h.speechEnd(), 1e-6);
      // 400 ms of digital silence somewhere in the middle third of the voiced span.
      int run = longestZeroRun(hesitant.clip(), h.speechStart(), h.speechEnd());
      assertTrue(run >= 6_400, "silent samples in a row: " + run);
    }
  }

  private static int longestZeroRun(AudioClip clip, double from, double to) {
    short[] samples = Pcm16.toMono(clip.pcm(), 1);
    int best = 0;
    int run = 0;
    for (int i = (int) (from * 16_000); i < (int) (to * 16_000); i++) {
      run = samples[i] == 0 ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best;
  }
}
