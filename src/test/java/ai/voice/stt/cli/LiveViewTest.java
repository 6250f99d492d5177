package ai.voice.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code stt stream --interim [--words]} prints for an interim. */
class LiveViewTest {
  private static Received interim(List<Map<String, Object>> words) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("type", "interim");
    fields.put("revision", 1);
    fields.put("stable", "Ten of");
    fields.put("unstable", "clubs");
    fields.put("audio_start", 4.17);
    fields.put("audio_end", 5.4);
    if (words != null) {
      fields.put("words", words);
      fields.put("confidence", 0.6);
    }
    return new Received(fields, 0);
  }

  private static String shown(Received r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8)).show(r);
    return bytes.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void anInterimsDoubtfulWordsEndTheLiveLine() {
    Received r =
        interim(
            List.of(
                Map.of("word", "Ten", "start", 4.6, "end", 4.8, "confidence", 0.9),
                Map.of("word", "of", "start", 4.8, "end", 5.0, "confidence", 0.8),
                Map.of("word", "clubs", "start", 5.0, "end", 5.3, "confidence", 0.31)));
    assertEquals("… Ten of [clubs]  ?clubs 0.31", shown(r));
    assertTrue(r.toString().contains("words: Ten@4.60-4.80(0.90)"), r.toString());
    assertTrue(r.toString().contains("[clubs]@5.00-5.30(0.31)"), r.toString());
  }

  @Test
  void anInterimWithoutWordsIsShownAsBefore() {
    assertEquals("… Ten of [clubs]", shown(interim(null)));
    assertEquals("~ interim r1 [4.17-5.40 s] Ten of | clubs", interim(null).toString());
  }
}
