package ai.voice.stt.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
  void aStartWithoutVocabularyHasNoPrompt() throws ProtocolException {
    StreamMessage.Start start =
        assertInstanceOf(StreamMessage.Start.class, decode(Map.of("type", "start")));
    assertEquals(List.of(), start.vocabulary());
    assertEquals(Optional.empty(), start.prompt());
    StreamMessage.Start nil =
        assertInstanceOf(StreamMessage.Start.class, decoder.decode(mapWithNil("vocabulary"), "s1"));
    assertEquals(Optional.empty(), nil.prompt());
  }

  @Test
  void vocabularyTermsAreTrimmedAndBecomeOnePrompt() throws ProtocolException {
    StreamMessage.Start start =
        assertInstanceOf(
            StreamMessage.Start.class,
            decode(
                Map.of(
                    "type",
                    "start",
                    "vocabulary",
                    List.of(" Siobhan Nakashima", "Zyrtec ", "Łódź"))));
    assertEquals(List.of("Siobhan Nakashima", "Zyrtec", "Łódź"), start.vocabulary());
    assertEquals(Optional.of("Siobhan Nakashima, Zyrtec, Łódź."), start.prompt());
  }

  @Test
  void vocabularyWithinTheBoundsIsTakenWhole() throws ProtocolException {
    // 32 terms, 160 bytes: exactly at both bounds.
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < Vocabulary.MAX_TERMS; i++) {
      terms.add("term" + (char) ('a' + i % 26));
    }
    terms.set(0, "x".repeat(Vocabulary.MAX_BYTES - 5 * (Vocabulary.MAX_TERMS - 1)));
    StreamMessage.Start start =
        assertInstanceOf(
            StreamMessage.Start.class, decode(Map.of("type", "start", "vocabulary", terms)));
    assertEquals(terms, start.vocabulary());
  }

  @Test
  void theVocabularyPromptIsTheTermsAsOneSentence() {
    assertEquals(Optional.empty(), Vocabulary.prompt(List.of()));
    assertEquals(
        Optional.of("Siobhan, Stornoway, Lisinopril."),
        Vocabulary.prompt(List.of("Siobhan", "Stornoway", "Lisinopril")));
    // A term that ends a sentence already is not given a second mark.
    assertEquals(Optional.of("Yahoo!"), Vocabulary.prompt(List.of("Yahoo!")));
    assertEquals(Optional.of("Acme Inc."), Vocabulary.prompt(List.of("Acme Inc.")));
  }

  @Test
  void vocabularyBeyondItsBoundsOrNotPlainTextIsRefused() {
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i <= Vocabulary.MAX_TERMS; i++) {
      tooMany.add("a");
    }
    assertVocabularyRefused(tooMany, "33 terms (at most 32)");
    assertVocabularyRefused(List.of("x".repeat(Vocabulary.MAX_BYTES + 1)), "at most 160");
    assertVocabularyRefused(
        List.of("x".repeat(100), "y".repeat(61)), "161 bytes of text (at most 160");
    // Multi-byte text counts in bytes: 81 two-byte letters are 162 bytes.
    assertVocabularyRefused(List.of("ł".repeat(81)), "162 bytes");
    assertVocabularyRefused(List.of("Zyrtec", "  "), "term 1 is empty");
    assertVocabularyRefused(List.of("Zyr\ntec"), "U+000A");
    assertVocabularyRefused(List.of("Zyr\0tec"), "U+0000");
    assertVocabularyRefused(List.of("a\u2028b"), "U+2028");
    assertVocabularyRefused(List.of(1, 2), "array of strings");
    assertCode(
        ErrorCode.BAD_MESSAGE, Msgpack.pack(Map.of("type", "start", "vocabulary", "Zyrtec")));
  }

  private void assertVocabularyRefused(List<?> vocabulary, String expected) {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                decoder.decode(
                    Msgpack.pack(Map.of("type", "start", "vocabulary", vocabulary)), "s1"));
    assertEquals(ErrorCode.BAD_MESSAGE, e.code());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static byte[] mapWithNil(String field) {
    Map<String, Object> map = new HashMap<>();
    map.put("type", "start");
    map.put(field, null);
    return Msgpack.pack(map);
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
        Msgpack.pack(Map.of("type", "start", "sample_rate", 11_025)));
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

  @Test
  void anAudioBinClaimingMoreThanThePayloadHoldsIsRejectedBeforeItIsAllocated() throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    // A 23-byte message must not cost the chunk limit's megabyte (msgpack-core allocates a
    // declared length before reading it).
    MessageDecoder limited = new MessageDecoder(1_000_000);
    MessageBufferPacker small = MessagePack.newDefaultBufferPacker();
    small.packMapHeader(2).packString("type").packString("chunk");
    small.packString("audio").packBinaryHeader(999_998);
    byte[] claim = small.toByteArray();
    // Once unmeasured: the first call loads classes and fills in exception stack traces.
    assertThrows(ProtocolException.class, () -> limited.decode(claim, "s1"));
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThrows(ProtocolException.class, () -> limited.decode(claim, "s1"));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(
        allocated < 200_000,
        allocated + " bytes allocated for a " + claim.length + "-byte message");

    // A chunk limit as large as a configuration allows: only the payload itself bounds the bin.
    MessageDecoder roomy = new MessageDecoder(Integer.MAX_VALUE);
    MessageBufferPacker out = MessagePack.newDefaultBufferPacker();
    out.packMapHeader(2).packString("type").packString("chunk");
    out.packString("audio").packBinaryHeader(Integer.MAX_VALUE - 16);
    byte[] payload = out.toByteArray();
    before = threads.getCurrentThreadAllocatedBytes();
    ProtocolException e = assertThrows(ProtocolException.class, () -> roomy.decode(payload, "s1"));
    allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // The decoder's own small objects only; the declared 2 GiB never is.
    assertTrue(allocated < 1_000_000, allocated + " bytes allocated");
    assertEquals(ErrorCode.BAD_MESSAGE, e.code());
    assertTrue(e.getMessage().contains("declares"), e.getMessage());
  }

  @Test
  void browserAndPhoneSampleRatesAreAccepted() throws ProtocolException {
    for (int rate : List.of(22_050, 24_000, 44_100)) {
      StreamMessage.Start start =
          assertInstanceOf(
              StreamMessage.Start.class, decode(Map.of("type", "start", "sample_rate", rate)));
      assertEquals(rate, start.sampleRate());
    }
  }

  @Test
  void aLanguageWhisperDoesNotKnowFailsTheStart() throws ProtocolException {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> decode(Map.of("type", "start", "language", "klingon-xx")));
    assertEquals(ErrorCode.UNSUPPORTED_LANGUAGE, e.code());
    assertTrue(e.getMessage().contains("klingon-xx"), e.getMessage());
    assertCode(
        ErrorCode.UNSUPPORTED_LANGUAGE, Msgpack.pack(Map.of("type", "start", "language", "xx")));
    // Codes in any case and English names are taken as Whisper's codes.
    for (Map.Entry<String, String> ok :
        Map.of("en", "en", "DE", "de", "french", "fr", "yue", "yue", "haw", "haw").entrySet()) {
      StreamMessage.Start start =
          assertInstanceOf(
              StreamMessage.Start.class, decode(Map.of("type", "start", "language", ok.getKey())));
      assertEquals(Optional.of(ok.getValue()), start.language(), ok.getKey());
    }
    // Blank still means the model's default.
    StreamMessage.Start blank =
        assertInstanceOf(
            StreamMessage.Start.class, decode(Map.of("type", "start", "language", " ")));
    assertEquals(Optional.empty(), blank.language());
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
