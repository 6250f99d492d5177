package ai.voice.stt.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import java.util.List;

/** What a refused session hears (docs/protocol.md): one error, one end-of-stream result. */
public final class RefusalAnswer {
  private RefusalAnswer() {}

  /**
   * The whole of {@code out} is the refusal's answer: its error, then one end-of-stream result
   * naming the code, with no audio and sequence 0.
   */
  public static void assertAnsweredOnce(List<Received> out, String code) {
    assertEquals(2, out.size(), out.toString());
    assertEquals(code, out.get(0).code(), out.toString());
    Received last = out.get(1);
    assertTrue(last.isTranscription() && last.endOfStream(), out.toString());
    assertEquals(code, last.string("end_reason"));
    assertEquals(0, last.sequence());
    assertEquals("", last.transcript());
    assertEquals(0.0, last.number("audio_end"));
  }
}
