package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that stops sending audio right after a word, without {@code end}, gets its final at the
 * end-point, counted on the wall clock: the missing audio counts as silence. The chunk timeout here
 * is 30 s, so only the end-point can produce the final within the wait.
 */
class WallClockEndpointTest {
  @Test
  void audioThatStopsAfterAWordIsFinalisedAtTheEndPointNotTheChunkTimeout() throws Exception {
    try (ServiceUnderTest stt =
        new ServiceUnderTest(Map.of("STT_CHUNK_TIMEOUT", "30", "STT_SESSION_IDLE_TIMEOUT", "60"))) {
      BlockingQueue<Received> received = new LinkedBlockingQueue<>();
      try (StreamClient.Session s = stt.client().listen("stops", received::add)) {
        stt.client().send("stops", Map.of("type", "start"));
        // the recording ends right after the last word: no end-pointing silence follows
        stt.client()
            .sendChunks(
                "stops", TestData.recording("cards_001").clip(), StreamOptions.realTime(), s);
        Received result = received.poll(10, TimeUnit.SECONDS);
        assertTrue(result != null, "no final within 10 s of the audio stopping");
        assertTrue(result.isFinal(), result.toString());
        assertFalse(result.endOfStream(), "the session stays open");
        assertTrue(result.transcript().toLowerCase().contains("clubs"), result.toString());
        stt.client().send("stops", Map.of("type", "end"));
        assertTrue(s.awaitEnd(Duration.ofSeconds(10)).getLast().endOfStream());
      }
    }
  }
}
