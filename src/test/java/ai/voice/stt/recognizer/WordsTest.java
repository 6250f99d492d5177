package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.recognizer.Transcript.Word;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void subWordPiecesAndPunctuationJoinTheirWordAndSpecialTokensAreSkipped() {
    Words words = new Words(3.0);
    words.add(b("[_BEG_]"), 0, 0, 0.9, true);
    words.add(b(" Dash"), 0.10, 0.30, 0.8, false);
    words.add(b("wood"), 0.30, 0.50, 0.4, false);
    words.add(b(" had"), 0.50, 0.70, 1.0, false);
    words.add(b("."), 0.70, 0.72, 0.9, false);
    words.add(b("[_TT_36]"), 0.72, 0.72, 0.9, true);
    List<Word> w = words.words();
    assertEquals(List.of("Dashwood", "had."), w.stream().map(Word::text).toList());
    assertEquals(0.10, w.get(0).start(), 1e-9);
    assertEquals(0.50, w.get(0).end(), 1e-9);
    assertEquals(0.6, w.get(0).confidence(), 1e-9);
    assertEquals(0.95, w.get(1).confidence(), 1e-9);
    assertEquals((0.8 + 0.4 + 1.0 + 0.9) / 4, words.confidence(), 1e-9);
  }

  @Test
  void aCharacterSplitAcrossTokensIsJoinedBeforeDecoding() {
    byte[] e = b("é"); // two bytes
    Words words = new Words(1.0);
    words.add(new byte[] {' ', 'c', 'a', 'f', e[0]}, 0.1, 0.2, 0.5, false);
    words.add(new byte[] {e[1]}, 0.2, 0.3, 0.5, false);
    assertEquals("café", words.words().getFirst().text());
  }

  @Test
  void timesAreMonotonicAndInsideTheAudio() {
    Words words = new Words(1.0);
    words.add(b(" one"), 0.2, 0.6, 0.9, false);
    words.add(b(" two"), 0.5, 1.4, 0.9, false); // overlaps and runs past the padded end
    List<Word> w = words.words();
    assertEquals(0.6, w.get(1).start(), 1e-9);
    assertEquals(1.0, w.get(1).end(), 1e-9);
    assertTrue(w.get(1).start() >= w.get(0).end());
  }

  @Test
  void nonSpeechMarkersAreNoWords() {
    Words words = new Words(2.0);
    words.add(b(" ["), 0, 0.1, 0.9, false);
    words.add(b("BLANK_AUDIO"), 0.1, 0.5, 0.9, false);
    words.add(b("]"), 0.5, 0.6, 0.9, false);
    assertTrue(words.words().isEmpty());
  }

  @Test
  void wordsAreKeptWhereAVadHeardVoice() {
    List<Word> heard =
        List.of(
            new Word("Pause.", 0.00, 0.70, 0.5), // its first piece put on the segment's start
            new Word("now.", 0.80, 1.13, 0.9)); // its full stop moved onto the end of the audio
    List<Word> kept = Words.keptWithin(heard, 0.30, 0.93);
    assertEquals(new Word("Pause.", 0.30, 0.70, 0.5), kept.get(0));
    assertEquals(new Word("now.", 0.80, 0.93, 0.9), kept.get(1));
    List<Word> outside = Words.keptWithin(List.of(new Word("x", 1.0, 1.2, 0.1)), 0.3, 0.9);
    assertEquals(new Word("x", 0.9, 0.9, 0.1), outside.getFirst(), "collapsed onto the edge");
  }
}
