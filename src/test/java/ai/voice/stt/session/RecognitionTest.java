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
  void theMessageNamesTheAudioLeftUntranscribedAndTheUnwrappedCausesKind() {
    RecognitionException cause =
        new RecognitionException(RecognitionException.Kind.FAILED, "decoder crashed");
    Recognition.Returned back = new Recognition.Returned(null, new CompletionException(cause), 0);
    assertSame(cause, back.cause());
    Segment segment = new Segment(new short[16_000], 32_000, true, true);
    String message = back.notTranscribed(segment);
    assertTrue(message.contains("2.00-3.00 s"), message);
    assertTrue(message.endsWith("the recognizer failed"), message);
  }

  @Test
  void aRemoteServersAddressAndAnswerNeverReachTheClient() {
    Segment segment = new Segment(new short[16_000], 0, true, true);
    String internal =
        "Whisper server http://whisper-gpu.ai-ml.svc.cluster.local:8000/v1/audio/transcriptions";
    String unavailable =
        failure(
                RecognitionException.Kind.UNAVAILABLE,
                internal
                    + " unavailable: HTTP 500: CUDA error: out of memory at 0x7f3a (3 attempts)")
            .notTranscribed(segment);
    String rejected =
        failure(
                RecognitionException.Kind.FAILED,
                internal + " rejected the request: HTTP 400: model 'tenant-a-finetune' not found")
            .notTranscribed(segment);
    String thrown =
        new Recognition.Returned(
                null, new IllegalStateException("pool at /var/run/whisper.sock closed"), 0)
            .notTranscribed(segment);
    assertEquals(
        "audio 0.00-1.00 s was not transcribed: the recognizer is unavailable", unavailable);
    assertEquals("audio 0.00-1.00 s was not transcribed: the recognizer failed", rejected);
    assertEquals("audio 0.00-1.00 s was not transcribed: the recognizer failed", thrown);
  }

  @Test
  void theServicesOwnReasonsAreShown() {
    Segment segment = new Segment(new short[16_000], 0, true, true);
    String late =
        failure(
                RecognitionException.Kind.TIMED_OUT,
                "recognition took longer than its deadline of 5.0 s")
            .notTranscribed(segment);
    assertTrue(late.endsWith("deadline of 5.0 s"), late);
  }

  private static Recognition.Returned failure(RecognitionException.Kind kind) {
    return failure(kind, kind.name());
  }

  private static Recognition.Returned failure(RecognitionException.Kind kind, String message) {
    return new Recognition.Returned(null, new RecognitionException(kind, message), 0);
  }
}
