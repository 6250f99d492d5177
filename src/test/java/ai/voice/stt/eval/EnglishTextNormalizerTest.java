package ai.voice.stt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What WER counts as the same words: the rules of Whisper's English normaliser, on both sides. */
class EnglishTextNormalizerTest {

  private static String norm(String text) {
    return String.join(" ", EnglishTextNormalizer.words(text));
  }

  @Test
  void caseAccentsPunctuationAndHyphensDoNotCount() {
    assertEquals("cafe is ill disposed", norm("Café is ill-disposed!"));
    assertEquals("yes please", norm("  Yes, please.  "));
  }

  @Test
  void textInBracketsAndHesitationsAreNotWords() {
    assertEquals("", norm("[BLANK_AUDIO]"));
    assertEquals("hello there", norm("(music) Um, hello <noise> uh there"));
  }

  @Test
  void contractionsAreWrittenOut() {
    assertEquals("he was not here", norm("He WASN'T here"));
    assertEquals("i will not and you can not", norm("I won't and you can't"));
    assertEquals("can not", norm("cannot"));
    assertEquals("let us go we are late", norm("Let's go, we're late"));
    assertEquals("i would like it is done", norm("I'd like, it's done"));
    assertEquals("she has been there", norm("She's been there"));
    assertEquals("i am going to call", norm("I'm gonna call"));
  }

  @Test
  void typographicApostrophesAreApostrophes() {
    assertEquals(norm("don't"), norm("don’t"));
  }

  @Test
  void abbreviatedTitlesAreSpelledOut() {
    assertEquals("mister john dashwood", norm("Mr. John Dashwood"));
    assertEquals("call doctor patel is office", norm("Call Dr. Patel's office"));
    assertEquals(norm("Call Doctor Patel's office."), norm("call dr patel's office"));
  }

  @Test
  void britishAndAmericanSpellingsAreOneWord() {
    assertEquals(norm("turn left after 300 meters"), norm("Turn left after 300 metres."));
    assertEquals(norm("our neighbours' colour"), norm("our neighbors color"));
    assertEquals(norm("OK"), norm("okay"));
    assertEquals("all right", norm("alright"));
  }

  @Test
  void numbersInWordsAreDigits() {
    assertEquals("set a timer for 15 minutes", norm("Set a timer for fifteen minutes."));
    assertEquals("21 degrees", norm("twenty-one degrees"));
    assertEquals("2005", norm("two thousand and five"));
    assertEquals("120", norm("one hundred and twenty"));
    assertEquals("1200", norm("twelve hundred"));
    assertEquals("2000000", norm("two million"));
    assertEquals("365 days", norm("three hundred and sixty five days"));
  }

  @Test
  void numbersWrittenEitherWayCompareEqual() {
    assertEquals(norm("I was born in 1987."), norm("I was born in nineteen eighty seven"));
    assertEquals(norm("It happened in 2019"), norm("it happened in twenty nineteen"));
    assertEquals(norm("Wake me up at 6:30"), norm("wake me up at six thirty"));
    assertEquals(norm("The train leaves at 7 45"), norm("the train leaves at seven forty-five"));
    assertEquals(
        norm("The population is about 2 million"), norm("the population is about two million"));
  }

  @Test
  void digitsReadOneByOneAreOneNumber() {
    assertEquals("the code is 4729", norm("The code is 4 7 2 9."));
    assertEquals(norm("Call 555 0192."), norm("call five five five zero one nine two"));
    assertEquals(norm("Call 555-0192"), norm("Call 5550192"));
  }

  @Test
  void ordinalsAreDigitsWithTheirSuffix() {
    assertEquals("the 14th of march", norm("the fourteenth of March"));
    assertEquals("the 14th of march", norm("the 14th of March"));
    assertEquals("3rd floor", norm("third floor"));
    assertEquals("21st", norm("twenty first"));
    assertEquals("page 73 2nd paragraph", norm("page seventy-three, second paragraph"));
  }

  @Test
  void amountsAndPercentagesAreWords() {
    assertEquals("it costs 45 dollars", norm("It costs $45."));
    assertEquals(norm("It costs 45 dollars"), norm("it costs forty five dollars"));
    assertEquals("1200 euros", norm("€1,200"));
    assertEquals(
        norm("The invoice total is 1,200 euros."), norm("the invoice total is 1200 euros"));
    assertEquals("40 percent", norm("40%"));
    assertEquals(norm("40%"), norm("forty percent"));
    assertEquals("3 point 5", norm("3.5"));
    assertEquals(norm("3.5"), norm("three point five"));
  }

  @Test
  void numberWordsThatAreNotNumbersStayWords() {
    assertEquals(List.of("someone", "won", "it"), EnglishTextNormalizer.words("Someone won it"));
    assertEquals("8 oclock", norm("eight o'clock"));
  }
}
