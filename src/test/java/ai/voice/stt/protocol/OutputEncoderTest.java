package ai.voice.stt.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.voice.stt.client.Msgpack;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputEncoderTest {
  private final OutputEncoder encoder = new OutputEncoder();

  @Test
  void aTranscriptionCarriesEveryContractFieldAndTheExtensions() {
    Map<String, Object> m =
        Msgpack.unpackMap(
            encoder.encode(
                OutputMessage.Transcription.endOfStream(
                    new OutputMessage.Transcription.Header(
                        "s1",
                        3,
                        1700000000.5,
                        Optional.of("alice"),
                        SessionState.LISTENING,
                        1.0,
                        2.5),
                    new OutputMessage.Transcription.Heard(
                        "hello world",
                        true,
                        Optional.of("en"),
                        0.12,
                        0.03,
                        List.of(new OutputMessage.TimedText("hello world", 1.0, 2.4))),
                    "end")));
    assertEquals("transcription", m.get("type"));
    assertEquals("s1", m.get("session_id"));
    assertEquals("hello world", m.get("transcript"));
    assertEquals(3L, m.get("sequence"));
    assertEquals(false, m.get("is_partial"));
    assertEquals(true, m.get("is_final"));
    assertEquals(1700000000.5, m.get("timestamp"));
    assertEquals("alice", m.get("speaker_id"));
    assertEquals(true, m.get("has_voice_activity"));
    assertEquals("listening", m.get("state"));
    assertEquals(1.0, m.get("audio_start"));
    assertEquals(2.5, m.get("audio_end"));
    assertEquals("en", m.get("language"));
    assertEquals(0.12, m.get("processing_time"));
    assertEquals(0.03, m.get("queue_time"));
    assertEquals(
        List.of(Map.of("text", "hello world", "start", 1.0, "end", 2.4)), m.get("segments"));
    assertEquals(true, m.get("end_of_stream"));
    assertEquals("end", m.get("end_reason"));
  }

  @Test
  void optionalFieldsAreLeftOutRatherThanSentAsNull() {
    Map<String, Object> m =
        Msgpack.unpackMap(
            encoder.encode(
                OutputMessage.Transcription.bufferCut(
                    new OutputMessage.Transcription.Header(
                        "s1", 0, 1.0, Optional.empty(), SessionState.RESPONDING, 0, 1),
                    OutputMessage.Transcription.Heard.nothing(Optional.empty()))));
    assertEquals(true, m.get("is_partial"), "a buffer cut is the wire's is_partial");
    assertEquals(false, m.get("is_final"));
    assertFalse(m.containsKey("speaker_id"));
    assertFalse(m.containsKey("language"));
    assertFalse(m.containsKey("end_of_stream"));
    assertEquals("responding", m.get("state"));
  }

  @Test
  void interruptAndErrorHaveTheContractShape() {
    assertEquals(
        Map.of("session_id", "s1", "type", "interrupt", "timestamp", 2.0, "speaker_id", "bob"),
        Msgpack.unpackMap(
            encoder.encode(new OutputMessage.Interrupt("s1", 2.0, Optional.of("bob")))));
    assertEquals(
        Map.of(
            "session_id",
            "s1",
            "type",
            "error",
            "code",
            "bad_message",
            "message",
            "m",
            "timestamp",
            3.0),
        Msgpack.unpackMap(
            encoder.encode(new OutputMessage.Error("s1", ErrorCode.BAD_MESSAGE, "m", 3.0))));
  }

  @Test
  void wordTimingAddsWordsConfidenceAndTheSpeechSpanToResultsAndWordsToInterims() {
    OutputMessage.WordTiming timing =
        new OutputMessage.WordTiming(
            List.of(new OutputMessage.TimedWord("Stop.", 1.01, 1.42, 0.57)),
            java.util.OptionalDouble.of(0.57),
            Optional.of(new OutputMessage.Span(0.99, 1.56)));
    Map<String, Object> result =
        Msgpack.unpackMap(
            encoder.encode(
                OutputMessage.Transcription.utteranceFinal(
                    new OutputMessage.Transcription.Header(
                        "s1", 0, 1.0, Optional.empty(), SessionState.LISTENING, 0.69, 1.77),
                    new OutputMessage.Transcription.Heard(
                        "Stop.",
                        true,
                        Optional.of("en"),
                        0.1,
                        0,
                        List.of(),
                        Optional.of(timing)))));
    assertEquals(
        List.of(Map.of("word", "Stop.", "start", 1.01, "end", 1.42, "confidence", 0.57)),
        result.get("words"));
    assertEquals(0.57, result.get("confidence"));
    assertEquals(0.99, result.get("speech_start"));
    assertEquals(1.56, result.get("speech_end"));

    OutputMessage.Interim plain =
        new OutputMessage.Interim(
            "s1", 690, 0, "", "Stop", 1.0, Optional.empty(), SessionState.LISTENING, 0.69, 1.5);
    Map<String, Object> without = Msgpack.unpackMap(encoder.encode(plain));
    assertEquals(11, without.size());
    assertFalse(without.containsKey("words"));
    Map<String, Object> with =
        Msgpack.unpackMap(
            encoder.encode(
                new OutputMessage.Interim(
                    "s1",
                    690,
                    0,
                    "",
                    "Stop",
                    1.0,
                    Optional.empty(),
                    SessionState.LISTENING,
                    0.69,
                    1.5,
                    Optional.of(
                        new OutputMessage.WordTiming(
                            List.of(new OutputMessage.TimedWord("Stop", 1.01, 1.4, 0.6)),
                            java.util.OptionalDouble.of(0.6))))));
    assertEquals(13, with.size());
    assertEquals(
        List.of(Map.of("word", "Stop", "start", 1.01, "end", 1.4, "confidence", 0.6)),
        with.get("words"));
    assertEquals(0.6, with.get("confidence"));
    assertFalse(with.containsKey("speech_start"));
  }
}
