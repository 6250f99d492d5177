package ai.voice.stt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordErrorRateTest {

  @Test
  void identicalTextAfterNormalisationHasNoErrors() {
    assertEquals(0.0, WordErrorRate.rate("go forward ten meters", "Go forward, 10 meters."));
  }

  @Test
  void abbreviatedTitlesMatchTheirSpelledOutForm() {
    assertEquals(0.0, WordErrorRate.rate("and mister john dashwood", "And Mr. John Dashwood"));
  }

  @Test
  void countsSubstitutionsDeletionsAndInsertions() {
    // ref: a b c d ; hyp: a x c d e -> 1 substitution + 1 insertion = 2 / 4
    assertEquals(0.5, WordErrorRate.rate("a b c d", "a x c d e"));
    // deletion of two words
    assertEquals(0.5, WordErrorRate.rate("a b c d", "a d"));
  }

  @Test
  void aHypothesisReachesTheEndWhenTheWholeReferenceExplainsItBest() {
    String ref = "go forward ten meters";
    assertEquals(true, WordErrorRate.reachesEnd(ref, "Go forward 10 meters."));
    assertEquals(false, WordErrorRate.reachesEnd(ref, "Go forward 10"), "a word short");
    assertEquals(true, WordErrorRate.reachesEnd(ref, "Go forward 10 metres"), "last word misheard");
    assertEquals(true, WordErrorRate.reachesEnd(ref, "go four ten meters"));
    assertEquals(false, WordErrorRate.reachesEnd(ref, ""));
  }

  @Test
  void comparesTheWordsOfWhispersEnglishNormalisation() {
    assertEquals(
        List.of("he", "was", "not", "ill", "disposed"),
        WordErrorRate.words("He WASN'T ill-disposed!"));
    assertEquals(
        0.0, WordErrorRate.rate("I was born in 1987.", "I was born in nineteen eighty seven"));
  }

  @Test
  void emptyReferenceScoresInsertionsAsTotalError() {
    assertEquals(0.0, WordErrorRate.rate("", ""));
    assertEquals(1.0, WordErrorRate.rate("", "hello"));
  }

  @Test
  void scoresAddUpAcrossFiles() {
    WordErrorRate.Score total =
        WordErrorRate.score("a b", "a b").plus(WordErrorRate.score("c d", "c x"));
    assertEquals(0.25, total.rate());
  }
}
