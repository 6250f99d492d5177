package ai.voice.stt.support;

import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.Transcript;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real recognizer with a fault injected: the calls the test names (1 for the first call, 2 for
 * the second, ...) hang, as a whisper.cpp call that never returns would, until {@link #release()};
 * a released call then fails. Every other call is transcribed for real.
 */
public final class HangingRecognizer implements Recognizer {
  private final Recognizer real;
  private final Set<Integer> hanging;
  private final AtomicInteger calls = new AtomicInteger();
  private final CountDownLatch released = new CountDownLatch(1);

  public HangingRecognizer(Recognizer real, Set<Integer> hanging) {
    this.real = real;
    this.hanging = Set.copyOf(hanging);
  }

  /** Lets the hung calls return (each with a failure that nobody hears any more). */
  public void release() {
    released.countDown();
  }

  @Override
  public Transcript transcribe(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language));
  }

  @Override
  public Transcript transcribe(float[] samples, Hints hints) throws RecognitionException {
    if (!hanging.contains(calls.incrementAndGet())) {
      return real.transcribe(samples, hints);
    }
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new RecognitionException(RecognitionException.Kind.FAILED, "released by the test");
  }

  /** The hung call holds nothing the others need: the real recognizer's states stay free. */
  @Override
  public boolean independentCalls() {
    return true;
  }

  @Override
  public int maxConcurrency() {
    return real.maxConcurrency();
  }

  @Override
  public String describe() {
    return "hanging on calls " + hanging + " of " + real.describe();
  }

  @Override
  public void close() {
    release();
    real.close();
  }
}
