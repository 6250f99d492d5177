package ai.voice.stt.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a real child process's output, as the benchmark and the process tests do. */
class ChildOutputTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void theMarkerLineIsSeenAndEveryLineIncludingStderrIsKeptUntilTheEnd() throws Exception {
    Process process = shell("echo starting; echo 'service ready' >&2; echo after");
    ChildOutput output = ChildOutput.watch(process, "ready", 100);
    output.awaitMarker(WAIT);
    assertEquals(List.of("starting", "service ready", "after"), output.awaitEnd(WAIT));
  }

  @Test
  void onlyTheLatestLinesAreKept() throws Exception {
    ChildOutput output = ChildOutput.watch(shell("seq 1 1000"), "never", 3);
    assertEquals(List.of("998", "999", "1000"), output.awaitEnd(WAIT));
  }

  @Test
  void aProcessThatExitsWithoutTheMarkerFailsTheWaitWithItsOutput() throws Exception {
    ChildOutput output = ChildOutput.watch(shell("echo 'bad config: X'; exit 2"), "ready", 10);
    IOException e = assertThrows(IOException.class, () -> output.awaitMarker(WAIT));
    assertTrue(e.getMessage().contains("ended before \"ready\""), e.getMessage());
    assertTrue(e.getMessage().contains("bad config: X"), e.getMessage());
  }

  @Test
  void aMarkerThatDoesNotComeInTimeFailsTheWaitNamingIt() throws Exception {
    Process process = shell("echo loading; sleep 30");
    try {
      ChildOutput output = ChildOutput.watch(process, "ready", 10);
      IOException e =
          assertThrows(IOException.class, () -> output.awaitMarker(Duration.ofMillis(300)));
      assertTrue(e.getMessage().startsWith("no \"ready\" within"), e.getMessage());
    } finally {
      process.destroyForcibly();
    }
  }

  private static Process shell(String script) throws IOException {
    return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
  }
}
