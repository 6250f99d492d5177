package ai.voice.stt.support;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.Transcript;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real whisper.cpp recognizer behind a gate the test opens and shuts. While shut, calls wait at
 * the gate (as if inference were slow) and the test knows exactly how many: faults and overload can
 * then be staged at a chosen moment instead of hoped for. Transcription itself is real.
 */
public final class GatedRecognizer implements Recognizer {
  private final Recognizer real;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  public GatedRecognizer(Recognizer real) {
    this.real = real;
  }

  /** The recognizer the configuration describes (model, workers, threads, encoder window). */
  public static GatedRecognizer around(SttConfig config) throws IOException {
    SttConfig.Recognition r = config.recognition();
    return new GatedRecognizer(
        new LocalWhisperRecognizer(
            r.modelPath(), r.workers(), r.threadsPerWorker(), r.audioContext()));
  }

  /** Calls from now on wait until {@link #open()}. */
  public void shut() {
    gate = new CountDownLatch(1);
  }

  public void open() {
    gate.countDown();
  }

  /** Calls waiting at the gate right now. */
  public int waiting() {
    return waiting.get();
  }

  /** Calls that returned (successfully or not) so far. */
  public int completed() {
    return completed.get();
  }

  public void awaitWaiting(int calls, Duration timeout) throws TimeoutException {
    Await.until(() -> waiting.get() == calls, timeout, () -> waiting.get() + " calls at the gate");
  }

  @Override
  public Transcript transcribe(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language));
  }

  @Override
  public Transcript transcribe(float[] samples, Hints hints) throws RecognitionException {
    waiting.incrementAndGet();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiting.decrementAndGet();
    }
    try {
      return real.transcribe(samples, hints);
    } finally {
      completed.incrementAndGet();
    }
  }

  @Override
  public int maxConcurrency() {
    return real.maxConcurrency();
  }

  @Override
  public String describe() {
    return real.describe() + " behind a test gate";
  }

  @Override
  public void close() {
    open();
    real.close();
  }
}
