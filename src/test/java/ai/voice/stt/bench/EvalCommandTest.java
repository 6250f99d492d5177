package ai.voice.stt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How streamed results are matched to the utterances of a conversation for WER. */
class EvalCommandTest {
  private static final Conversation TWO_UTTERANCES =
      new Conversation(
          new AudioClip(new byte[32_000 * 8], 16_000, 1),
          List.of(
              new Conversation.Utterance("first", "yes", 0.5, 2.0, 0.6, 1.9),
              new Conversation.Utterance("second", "stop", 3.5, 5.0, 3.6, 4.9)));

  private static Received result(String text, double start, double end) {
    return new Received(
        Map.of(
            "type", "transcription",
            "transcript", text,
            "audio_start", start,
            "audio_end", end,
            "is_final", true),
        0);
  }

  @Test
  void aResultGoesToTheUtteranceItsAudioOverlapsMost() {
    Map<String, String> texts =
        EvalCommand.assign(
            TWO_UTTERANCES,
            List.of(result("Yes.", 0.4, 2.1), result("Stop", 1.9, 4.8), result("now.", 4.8, 5.2)));
    assertEquals(Map.of("first", "Yes.", "second", "Stop now."), texts);
  }

  @Test
  void textHeardInAPauseCountsAgainstTheNearestUtterance() {
    Map<String, String> texts =
        EvalCommand.assign(
            TWO_UTTERANCES,
            List.of(result("Yes.", 0.5, 2.0), result("you", 2.2, 2.6), result("Stop.", 3.5, 5)));
    assertEquals(Map.of("first", "Yes. you", "second", "Stop."), texts);
  }

  @Test
  void interimsErrorsAndEmptyResultsAreNotText() {
    Received interim =
        new Received(
            Map.of("type", "interim", "transcript", "yeah", "audio_start", 0.5, "audio_end", 1.0),
            0);
    Map<String, String> texts =
        EvalCommand.assign(TWO_UTTERANCES, List.of(interim, result("", 0.5, 2.0)));
    assertEquals(Map.of("first", "", "second", ""), texts);
  }
}
