package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.support.StandInRecognizer;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.SpeechDetectorFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * A session whose own work fails (here its VAD, as a native library can) ends loudly: the client
 * hears {@code internal_error} naming the audio not transcribed, then the session's end-of-stream
 * result, and the session's slot is freed. Other sessions carry on untouched.
 */
class SessionFailureTest {
  private static final short POISON = 0x7777;

  /** Speech wherever the audio is not silent; a native failure on the poison sample. */
  private static final SpeechDetectorFactory FRAGILE_VAD =
      () ->
          new SpeechDetector() {
            @Override
            public boolean isSpeech(short[] frame) {
              for (short sample : frame) {
                if (sample == POISON) {
                  throw new UnsatisfiedLinkError("libfvad: symbol lookup failed (test)");
                }
              }
              return frame[0] != 0;
            }

            @Override
            public void close() {}
          };

  @Test
  void aFailingSessionPublishesInternalErrorAndItsLastResultWhileOthersCarryOn() throws Exception {
    try (SessionFixture f =
        new SessionFixture(Map.of(), StandInRecognizer.saying("words"), FRAGILE_VAD)) {
      for (String id : List.of("good", "bad")) {
        f.registry.route(id, StreamMessage.Start.defaults());
        f.registry.route(id, chunk((short) 1000, 16_000)); // 1 s of "speech"
      }
      f.registry.route("bad", chunk(POISON, 960));
      f.registry.route("good", chunk((short) 0, 16_000));
      assertTrue(f.registry.closeAll("end", Duration.ofSeconds(10)), "every session closed");
      assertEquals(0, f.registry.activeSessions());

      List<OutputMessage.Error> errors = f.errors("bad");
      assertEquals(1, errors.size(), "one error: " + f.outputs("bad"));
      assertEquals(ErrorCode.INTERNAL, errors.getFirst().code());
      assertTrue(errors.getFirst().message().contains("audio after"), errors.getFirst().message());
      List<OutputMessage.Transcription> bad = f.results("bad");
      assertTrue(bad.getLast().endOfStream(), "the failed session still ends: " + bad);
      assertEquals(Optional.of("internal_error"), bad.getLast().endReason());
      assertEquals(1, bad.stream().filter(OutputMessage.Transcription::endOfStream).count());

      assertTrue(f.errors("good").isEmpty(), "the other session is untouched");
      List<OutputMessage.Transcription> good = f.results("good");
      assertEquals("words", good.getFirst().transcript());
      assertEquals(Optional.of("end"), good.getLast().endReason());
    }
  }

  static StreamMessage.Chunk chunk(short value, int samples) {
    byte[] pcm = new byte[samples * 2];
    for (int i = 0; i < samples; i++) {
      pcm[2 * i] = (byte) value;
      pcm[2 * i + 1] = (byte) (value >> 8);
    }
    return new StreamMessage.Chunk(pcm, OptionalDouble.empty());
  }
}
