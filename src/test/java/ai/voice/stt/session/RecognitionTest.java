package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RecognitionTest {
  @Test
  void silenceIsAnsweredWithAnEmptyTranscriptWithoutReachingTheRecognizer() throws Exception {
    // No scheduler and no mailbox: a voiceless segment must not touch either.
    Recognition recognition = new Recognition(null, null);
    Segment silence = new Segment(new short[4800], 16_000, false, false);
    Recognition.Returned back = recognition.send(silence, Hints.NONE).get();
    assertEquals("", back.outcome().transcript().text());
    assertEquals(0, back.outcome().transcript().processingSeconds());
  }

  @Test
  void eachKindOfRecognitionFailureHasItsOwnErrorCode() {
    assertEquals(ErrorCode.OVERLOADED, failure(RecognitionException.Kind.BUSY).errorCode());
    assertEquals(ErrorCode.RECOGNIZER_ERROR, failure(RecognitionException.Kind.FAILED).errorCode());
    assertEquals(
        ErrorCode.RECOGNIZER_UNAVAILABLE,
        failure(RecognitionException.Kind.UNAVAILABLE).errorCode());
    assertEquals(ErrorCode.INTERNAL, failure(RecognitionException.Kind.INTERRUPTED).errorCode());
    Recognition.Returned error = new Recognition.Returned(null, new OutOfMemoryError("heap"), 0);
    assertEquals(ErrorCode.RECOGNIZER_ERROR, error.errorCode(), "any throwable is reported");
  }

  @Test
  void theMessageNamesTheAudioLeftUntranscribedAndTheUnwrappedCause() {
    RecognitionException cause =
        new RecognitionException(RecognitionException.Kind.FAILED, "decoder crashed");
    Recognition.Returned back = new Recognition.Returned(null, new CompletionException(cause), 0);
    assertSame(cause, back.cause());
    Segment segment = new Segment(new short[16_000], 32_000, true, true);
    String message = back.notTranscribed(segment);
    assertTrue(message.contains("2.00-3.00 s"), message);
    assertTrue(message.endsWith("decoder crashed"), message);
  }

  private static Recognition.Returned failure(RecognitionException.Kind kind) {
    return new Recognition.Returned(null, new RecognitionException(kind, kind.name()), 0);
  }
}
