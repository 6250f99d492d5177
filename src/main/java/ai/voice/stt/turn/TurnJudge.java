package ai.voice.stt.turn;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the turn model on idle CPU only: one call at a time for the whole process, on its own
 * thread, and only when the caller says the recognizer has a free worker. A pause that finds it
 * busy is judged by its words alone, so the model never delays a final. One judge per model file,
 * shared by every service of the process (the model is immutable; loading it costs ~100 ms).
 */
public final class TurnJudge {
  private static final Logger log = LoggerFactory.getLogger(TurnJudge.class);
  private static final ConcurrentHashMap<Path, TurnJudge> JUDGES = new ConcurrentHashMap<>();

  private final SmartTurnModel model;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("turn-model").daemon().factory());
  private final AtomicBoolean busy = new AtomicBoolean();

  private TurnJudge(SmartTurnModel model) {
    this.model = model;
  }

  /** The judge for {@code model}, loaded on first use. */
  public static TurnJudge of(Path model) {
    return JUDGES.computeIfAbsent(
        model.toAbsolutePath().normalize(), path -> new TurnJudge(SmartTurnModel.load(path)));
  }

  /**
   * The probability that the turn is complete after {@code audio}, computed in the background when
   * the CPU is free.
   *
   * @param cpuIdle the recognizer has a free worker and nothing waits for one
   * @return empty when the CPU or the model is busy
   */
  public Optional<CompletableFuture<Double>> judgeIfIdle(float[] audio, boolean cpuIdle) {
    if (!cpuIdle || !busy.compareAndSet(false, true)) {
      return Optional.empty();
    }
    CompletableFuture<Double> answer = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            answer.complete(model.completeness(audio));
          } catch (RuntimeException e) {
            log.warn("turn model failed: {}", e.toString());
            answer.completeExceptionally(e);
          } finally {
            busy.set(false);
          }
        });
    return Optional.of(answer);
  }
}
