package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DegenerateOutputTest {

  @Test
  void ordinarySpeechIsNotDegenerate() {
    assertFalse(DegenerateOutput.detect("He might even have been made amiable himself.", 3.3));
    assertFalse(DegenerateOutput.detect("five five", 1.5));
    assertFalse(DegenerateOutput.detect("", 1.0));
  }

  @Test
  void aWordRepeatedOverAndOverIsDegenerate() {
    assertTrue(DegenerateOutput.detect("five 5 5 5 5 5 5 5 5 5 5 5?", 10.0));
  }

  @Test
  void aRepeatedPairIsDegenerate() {
    assertTrue(DegenerateOutput.detect("of clubs of clubs of clubs of clubs of clubs", 10.0));
  }

  @Test
  void moreWordsThanTheAudioCanHoldIsDegenerate() {
    assertTrue(
        DegenerateOutput.detect("one two three four five six seven eight nine ten eleven", 1.0));
  }
}
