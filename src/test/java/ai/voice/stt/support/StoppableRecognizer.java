package ai.voice.stt.support;

import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.RecognizerCall;
import ai.voice.stt.recognizer.Transcript;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in recognizer whose calls a test can hold until it releases them or the scheduler stops
 * them through their {@link RecognizerCall} (decisions/0031), as whisper.cpp's abort callback does.
 * Subclasses say what a call does; {@link #holdUntil} is the hold.
 */
public abstract class StoppableRecognizer implements Recognizer {
  private final int concurrency;

  protected StoppableRecognizer(int concurrency) {
    this.concurrency = concurrency;
  }

  /** One call: the scheduler always uses the stoppable form. */
  protected abstract Transcript answer(float[] samples, boolean background, RecognizerCall call)
      throws RecognitionException;

  /**
   * Holds the call until {@code release} opens, the call is stopped, or {@code longest} passed.
   *
   * @return true when it was stopped
   */
  @SuppressWarnings("try") // the registration is only closed
  protected static boolean holdUntil(
      CountDownLatch release, RecognizerCall call, Duration longest) {
    CountDownLatch stop = new CountDownLatch(1);
    long until = System.nanoTime() + longest.toNanos();
    try (RecognizerCall.Registration r = call.whileRunning(stop::countDown)) {
      while (release.getCount() > 0 && stop.getCount() > 0 && System.nanoTime() < until) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return call.aborted();
  }

  /** What a stopped call throws, as the local recognizer does. */
  protected static RecognitionException aborted() {
    return new RecognitionException(RecognitionException.Kind.ABORTED, "aborted");
  }

  @Override
  public final Transcript transcribe(float[] samples, Optional<String> language) {
    throw new AssertionError("the scheduler calls the stoppable form");
  }

  @Override
  public final Transcript transcribe(
      float[] samples, Hints hints, boolean background, RecognizerCall call)
      throws RecognitionException {
    return answer(samples, background, call);
  }

  @Override
  public int maxConcurrency() {
    return concurrency;
  }

  @Override
  public String describe() {
    return getClass().getSimpleName();
  }

  @Override
  public void close() {}
}
