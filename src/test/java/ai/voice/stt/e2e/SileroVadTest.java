package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * STT_VAD=silero end to end: a real nats-server, the service with the Silero model and tiny.en, a
 * recorded stream of three utterances with pauses between them.
 */
class SileroVadTest {

  @Test
  void sileroCutsTheStreamIntoItsUtterancesAndTheyAreTranscribed() throws Exception {
    TestData.Stream stream = TestData.stream("multi_utterance");
    Map<String, String> env =
        Map.of("STT_VAD", "silero", "STT_VAD_MODEL_PATH", TestData.vadModel().toString());
    try (ServiceUnderTest stt = new ServiceUnderTest(env);
        StreamClient.Session s = stt.client().listen("silero", r -> {})) {
      stt.client().stream("silero", stream.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> out = s.awaitEnd(Duration.ofSeconds(60));
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      List<Received> spoken =
          out.stream().filter(r -> r.isTranscription() && !r.transcript().isBlank()).toList();
      assertEquals(stream.utterances().size(), spoken.size(), "one final per utterance: " + spoken);
      String text = StreamClient.joinTranscripts(out);
      double wer = WordErrorRate.rate(stream.reference(), text);
      System.out.printf("STT_VAD=silero: WER %.1f%% \"%s\"%n", 100 * wer, text);
      assertTrue(wer < 0.25, "WER " + wer + ": " + text);
    }
  }
}
