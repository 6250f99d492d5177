package ai.voice.stt.session;

import ai.voice.stt.audio.AudioNormalizer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audio that sessions have cut into utterances and that the recognizer has not finished, summed
 * over every session of the replica. The global inference queue holds only one utterance per
 * session (by design, for fairness), so this is the real backlog: admission control refuses new
 * sessions on it and {@code /metrics} shows it. Each session bounds its own share.
 */
public final class Backlog {
  private final AtomicLong samples = new AtomicLong();
  private final AtomicInteger queued = new AtomicInteger();

  /** An utterance was cut and waits for the recognizer. */
  void queued(int utteranceSamples) {
    samples.addAndGet(utteranceSamples);
    queued.incrementAndGet();
  }

  /** A session handed its next utterance to the shared queue: still backlog, no longer held. */
  void submitted() {
    queued.decrementAndGet();
  }

  /** An utterance left the backlog (recognised, failed, or dropped with its session). */
  void done(int utteranceSamples, boolean wasQueued) {
    samples.addAndGet(-utteranceSamples);
    if (wasQueued) {
      queued.decrementAndGet();
    }
  }

  /**
   * Utterances held in sessions behind the one each has in the shared queue or at a worker: with
   * the queue's depth, everything waiting for a worker.
   */
  public int waitingUtterances() {
    return queued.get();
  }

  /** Seconds of audio waiting for or at the recognizer, in every session. */
  public double seconds() {
    return samples.get() / (double) AudioNormalizer.TARGET_RATE;
  }
}
