package ai.voice.stt.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a child process's output (stdout with stderr merged into it) line by line on a virtual
 * thread, so the child never blocks on a full pipe: keeps the latest lines for error messages and
 * assertions, and tells when a marker line (e.g. the ready banner) appears and when the output
 * ends.
 */
public final class ChildOutput {
  private final Deque<String> lines = new ConcurrentLinkedDeque<>();
  private final CompletableFuture<Void> markerSeen = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final String marker;

  private ChildOutput(String marker) {
    this.marker = marker;
  }

  /**
   * @param marker text whose first appearance in a line completes {@link #awaitMarker}
   * @param keepLines how many of the latest lines to keep
   */
  public static ChildOutput watch(Process process, String marker, int keepLines) {
    ChildOutput output = new ChildOutput(marker);
    // A platform thread: a read from a process pipe blocks in native code and holds a virtual
    // thread's carrier. With seven children on two cores every carrier was held by a reader, and a
    // virtual thread waiting with a timeout (a test's awaitEnd) was never scheduled again.
    Thread.ofPlatform()
        .daemon()
        .name("child-output-" + process.pid())
        .start(() -> output.read(process, keepLines));
    return output;
  }

  private void read(Process process, int keepLines) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // Counted here, on the only thread that changes the deque: its size() walks every node.
      int kept = 0;
      while ((line = in.readLine()) != null) {
        lines.addLast(line);
        if (++kept > keepLines) {
          lines.pollFirst();
          kept--;
        }
        if (line.contains(marker)) {
          markerSeen.complete(null);
        }
      }
    } catch (IOException e) {
      // The stream was closed under us (the process is gone); the futures below report it.
    }
    markerSeen.completeExceptionally(new IOException("the output ended before \"" + marker + "\""));
    ended.complete(null);
  }

  /**
   * Waits for the marker line.
   *
   * @throws IOException when the output ended first or the timeout passed; the message carries the
   *     lines kept
   */
  public void awaitMarker(Duration timeout) throws IOException {
    String why;
    try {
      markerSeen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return;
    } catch (ExecutionException e) {
      why = e.getCause().getMessage();
    } catch (TimeoutException e) {
      why = "no \"" + marker + "\" within " + timeout.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted while waiting for \"" + marker + "\"";
    }
    throw new IOException(why + "; its output:\n" + String.join("\n", lines));
  }

  /** Waits until the process closed its output (it exited) and every line has been read. */
  public List<String> awaitEnd(Duration timeout)
      throws InterruptedException, TimeoutException, IOException {
    try {
      ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    return lines();
  }

  /** The lines kept so far, oldest first. */
  public List<String> lines() {
    return List.copyOf(lines);
  }
}
