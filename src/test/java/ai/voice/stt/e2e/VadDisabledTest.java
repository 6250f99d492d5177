package ai.voice.stt.e2e;

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

/** With STT_ENABLE_VAD=false the buffer limit and end of stream alone cut the audio. */
class VadDisabledTest {

  @Test
  void withoutVadTheBufferLimitCutsAndTheWholeStreamIsStillTranscribed() throws Exception {
    TestData.Stream stream = TestData.stream("multi_utterance");
    try (ServiceUnderTest stt =
            new ServiceUnderTest(
                Map.of("STT_ENABLE_VAD", "false", "STT_BUFFER_SIZE_BYTES", "192000"));
        StreamClient.Session s = stt.client().listen("no-vad", r -> {})) {
      stt.client().stream("no-vad", stream.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> out = s.awaitEnd(Duration.ofSeconds(60));
      assertTrue(out.stream().anyMatch(Received::isPartial), "6 s buffer cuts a 16 s stream");
      String text = StreamClient.joinTranscripts(out);
      double wer = WordErrorRate.rate(stream.reference(), text);
      System.out.printf("VAD off: WER %.1f%% \"%s\"%n", 100 * wer, text);
      assertTrue(wer < 0.4, text);
    }
  }
}
