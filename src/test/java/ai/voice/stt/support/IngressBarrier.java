package ai.voice.stt.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Waits until the service has taken everything this client published so far: a message the service
 * answers at once, sent after the audio. The service handles one publisher's messages in order, so
 * its answer proves every earlier chunk was taken into a session (accepted).
 */
public final class IngressBarrier {
  private IngressBarrier() {}

  /**
   * @param barrierSession a session id of its own, so the answer is not mixed with real output
   */
  public static void await(StreamClient client, String barrierSession) throws Exception {
    BlockingQueue<Received> answer = new LinkedBlockingQueue<>();
    try (StreamClient.Session barrier = client.listen(barrierSession, answer::add)) {
      client.sendRaw(barrierSession, Msgpack.pack(Map.of("type", "no-such-type")));
      Received r = answer.poll(30, TimeUnit.SECONDS);
      assertTrue(r != null && "unknown_type".equals(r.code()), "barrier answered: " + r);
      assertEquals(List.of(r), barrier.received());
    }
  }
}
