package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input, sent over a real nats-server while another session streams real speech:
 * each gets an {@code error} with its code on its own session's subject, and the healthy session's
 * transcript is unaffected.
 */
class BadInputTest {
  private static final int MAX_CHUNK_BYTES = 64_000;
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt = new ServiceUnderTest(Map.of("STT_MAX_CHUNK_BYTES", Integer.toString(MAX_CHUNK_BYTES)));
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  @Test
  void eachBadInputGetsItsErrorCodeWhileAHealthySessionKeepsWorking() throws Exception {
    Corpus.Recording recording = TestData.recording("austen_0870");
    CompletableFuture<List<Received>> healthy =
        CompletableFuture.supplyAsync(
            () -> {
              try (StreamClient.Session s = stt.client().listen("healthy", r -> {})) {
                stt.client().stream("healthy", recording.clip(), StreamOptions.realTime(), s);
                return s.awaitEnd(Duration.ofSeconds(60));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    assertError("bad_message", new byte[] {(byte) 0xc1, 0x00, 0x13});
    assertError("bad_message", Msgpack.pack(Map.of("sample_rate", 16_000)));
    assertError("bad_message", "not msgpack at all, just text".getBytes());
    assertError("unknown_type", Msgpack.pack(Map.of("type", "pause")));
    assertError("invalid_base64", chunk("this is not base64!"));
    assertError("invalid_pcm_length", chunk(Base64.getEncoder().encodeToString(new byte[3])));
    assertError(
        "unsupported_sample_rate", Msgpack.pack(Map.of("type", "start", "sample_rate", 11_025)));
    assertError("unsupported_channels", Msgpack.pack(Map.of("type", "start", "channels", 3)));
    assertError(
        "unsupported_language", Msgpack.pack(Map.of("type", "start", "language", "klingon")));
    assertError(
        "session_id_mismatch", Msgpack.pack(Map.of("type", "start", "session_id", "someone-else")));
    assertError(
        "chunk_too_large",
        chunk(Base64.getEncoder().encodeToString(new byte[MAX_CHUNK_BYTES + 2])));
    assertError("invalid_state", Msgpack.pack(Map.of("type", "state_change", "state", "sleeping")));

    List<Received> out = healthy.get(60, TimeUnit.SECONDS);
    assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
    double wer = WordErrorRate.rate(recording.reference(), StreamClient.joinTranscripts(out));
    assertTrue(wer < 0.2, StreamClient.joinTranscripts(out));
  }

  @Test
  void stereoChunkThatSplitsASampleFrameIsRejected() throws Exception {
    String id = "stereo-odd";
    try (StreamClient.Session s = stt.client().listen(id, r -> {})) {
      stt.client().send(id, Map.of("type", "start", "channels", 2));
      stt.client().sendRaw(id, chunk(Base64.getEncoder().encodeToString(new byte[6])));
      stt.client().send(id, Map.of("type", "end"));
      List<Received> out = s.awaitEnd(Duration.ofSeconds(10));
      assertEquals("invalid_pcm_length", out.getFirst().code());
    }
  }

  @Test
  void startAfterAudioIsRejectedButTheSessionGoesOn() throws Exception {
    String id = "late-start";
    try (StreamClient.Session s = stt.client().listen(id, r -> {})) {
      stt.client().send(id, Map.of("type", "start"));
      stt.client().sendRaw(id, chunk(Base64.getEncoder().encodeToString(new byte[640])));
      stt.client().send(id, Map.of("type", "start", "sample_rate", 48_000));
      stt.client().send(id, Map.of("type", "end"));
      List<Received> out = s.awaitEnd(Duration.ofSeconds(10));
      assertEquals("already_started", out.getFirst().code());
      assertTrue(out.getLast().endOfStream());
    }
  }

  private static byte[] chunk(String audioB64) {
    return Msgpack.pack(Map.of("type", "chunk", "audio_b64", audioB64));
  }

  private static void assertError(String code, byte[] payload) throws Exception {
    String id = "bad-" + code.replace('_', '-') + "-" + payload.length;
    BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    try (StreamClient.Session s = stt.client().listen(id, received::add)) {
      stt.client().sendRaw(id, payload);
      Received r = received.poll(10, TimeUnit.SECONDS);
      assertTrue(r != null, "no answer for " + code);
      assertEquals("error", r.type(), r.toString());
      assertEquals(code, r.code(), r.toString());
      assertEquals(id, r.string("session_id"));
      assertTrue(!r.string("message").isBlank());
      assertEquals(List.of(r), s.received(), "exactly one answer");
    }
  }
}
