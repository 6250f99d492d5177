package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LanguageNamesTest {

  @Test
  void fullNamesAsWhisperServersWriteThemBecomeIsoCodes() {
    assertEquals(Optional.of("en"), LanguageNames.toCode("english"));
    assertEquals(Optional.of("de"), LanguageNames.toCode("German"));
    assertEquals(Optional.of("fr"), LanguageNames.toCode("fr"));
    assertEquals(Optional.empty(), LanguageNames.toCode("klingon"));
    assertEquals(Optional.empty(), LanguageNames.toCode(""));
  }

  @Test
  void isoCodesBecomeTheFullNamesOfVerboseJson() {
    assertEquals("english", LanguageNames.toName("en"));
    assertEquals("spanish", LanguageNames.toName("es"));
  }
}
