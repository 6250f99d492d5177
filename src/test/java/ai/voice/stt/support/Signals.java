package ai.voice.stt.support;

import java.io.IOException;

/** SIGSTOP and SIGCONT for a child process: a stall (a GC pause, a throttled or frozen pod). */
public final class Signals {
  private Signals() {}

  /** The process stops running until {@link #resume}; its sockets stay open. */
  public static void pause(Process process) throws IOException, InterruptedException {
    signal(process, "-STOP");
  }

  public static void resume(Process process) throws IOException, InterruptedException {
    signal(process, "-CONT");
  }

  /** Stops the process for {@code millis}, then lets it run again. */
  public static void stall(Process process, long millis) {
    try {
      pause(process);
      Thread.sleep(millis);
      resume(process);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void signal(Process process, String signal)
      throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill " + signal + " " + process.pid() + " failed");
    }
  }
}
