package ai.voice.stt.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class MessageDecoderTest {
  private final MessageDecoder decoder = new MessageDecoder(1_000);

  @Test
  void aBareStartGetsEveryDefault() throws ProtocolException {
    StreamMessage.Start start =
        assertInstanceOf(StreamMessage.Start.class, decode(Map.of("type", "start")));
    assertEquals(16_000, start.sampleRate());
    assertEquals(1, start.channels());
    assertEquals(SessionState.LISTENING, start.state());
    assertEquals(Optional.empty(), start.speakerId());
  }

  @Test
  void aFullStartKeepsEveryField() throws ProtocolException {
    StreamMessage.Start start =
        assertInstanceOf(
            StreamMessage.Start.class,
            decode(
                Map.of(
                    "type", "start",
                    "session_id", "s1",
                    "sample_rate", 48_000,
                    "channels", 2,
                    "state", "responding",
                    "speaker_id", "alice",
                    "language", "en",
                    "future_field", "ignored")));
    assertEquals(48_000, start.sampleRate());
    assertEquals(2, start.channels());
    assertEquals(SessionState.RESPONDING, start.state());
    assertEquals(Optional.of("alice"), start.speakerId());
    assertEquals(Optional.of("en"), start.language());
  }

  @Test
  void chunkAudioComesFromBase64OrFromBin() throws ProtocolException {
    StreamMessage.Chunk b64 =
        assertInstanceOf(
            StreamMessage.Chunk.class,
            decode(Map.of("type", "chunk", "audio_b64", "AQACAA==", "timestamp", 1.5)));
    assertArrayEquals(new byte[] {1, 0, 2, 0}, b64.pcm());
    assertEquals(1.5, b64.timestamp().getAsDouble());
    StreamMessage.Chunk bin =
        assertInstanceOf(
            StreamMessage.Chunk.class, decode(Map.of("type", "chunk", "audio", new byte[] {1, 0})));
    assertArrayEquals(new byte[] {1, 0}, bin.pcm());
  }

  @Test
  void stateChangeAndEndAreRecognised() throws ProtocolException {
    assertEquals(
        new StreamMessage.StateChange(SessionState.RESPONDING),
        decode(Map.of("type", "state_change", "state", "responding")));
    assertInstanceOf(StreamMessage.End.class, decode(Map.of("type", "end")));
  }

  @Test
  void everyContractViolationHasItsOwnCode() {
    assertCode(ErrorCode.BAD_MESSAGE, new byte[] {(byte) 0xc1});
    assertCode(ErrorCode.BAD_MESSAGE, Msgpack.pack(Map.of("no_type", 1)));
    assertCode(ErrorCode.BAD_MESSAGE, new byte[] {(byte) 0x93, 1, 2, 3}); // an array
    assertCode(ErrorCode.UNKNOWN_TYPE, Msgpack.pack(Map.of("type", "dance")));
    assertCode(ErrorCode.INVALID_BASE64, Msgpack.pack(Map.of("type", "chunk", "audio_b64", "@@@")));
    assertCode(
        ErrorCode.INVALID_PCM_LENGTH, Msgpack.pack(Map.of("type", "chunk", "audio_b64", "AQID")));
    assertCode(
        ErrorCode.UNSUPPORTED_SAMPLE_RATE,
        Msgpack.pack(Map.of("type", "start", "sample_rate", 44_100)));
    assertCode(
        ErrorCode.UNSUPPORTED_CHANNELS, Msgpack.pack(Map.of("type", "start", "channels", 6)));
    assertCode(
        ErrorCode.SESSION_ID_MISMATCH, Msgpack.pack(Map.of("type", "start", "session_id", "x")));
    assertCode(
        ErrorCode.CHUNK_TOO_LARGE, Msgpack.pack(Map.of("type", "chunk", "audio", new byte[1_002])));
    assertCode(ErrorCode.INVALID_STATE, Msgpack.pack(Map.of("type", "state_change", "state", "x")));
    assertCode(ErrorCode.BAD_MESSAGE, Msgpack.pack(Map.of("type", "start", "sample_rate", "fast")));
  }

  @Test
  void aHeaderClaimingAHugeStringIsRejectedWithoutAllocatingIt() throws IOException {
    MessageBufferPacker out = MessagePack.newDefaultBufferPacker();
    out.packMapHeader(1).packString("type").packRawStringHeader(Integer.MAX_VALUE);
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> decoder.decode(out.toByteArray(), "s1"));
    assertEquals(ErrorCode.BAD_MESSAGE, e.code());
  }

  @Test
  void aMapWithTooManyEntriesIsRejected() throws IOException {
    MessageBufferPacker out = MessagePack.newDefaultBufferPacker();
    out.packMapHeader(1_000_000);
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> decoder.decode(out.toByteArray(), "s1"));
    assertTrue(e.getMessage().contains("entries"));
  }

  private StreamMessage decode(Map<String, ?> map) throws ProtocolException {
    return decoder.decode(Msgpack.pack(map), "s1");
  }

  private void assertCode(ErrorCode expected, byte[] payload) {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> decoder.decode(payload, "s1"));
    assertEquals(expected, e.code(), e.getMessage());
  }
}
