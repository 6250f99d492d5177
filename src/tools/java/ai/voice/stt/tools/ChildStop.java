package ai.voice.stt.tools;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** How every child process of the benchmark and the tests is stopped. */
public final class ChildStop {
  private ChildStop() {}

  /**
   * SIGTERM, so the child can shut down in order, then SIGKILL if it is still running after {@code
   * grace} (or if this thread is interrupted while waiting).
   */
  public static void terminate(Process process, Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
