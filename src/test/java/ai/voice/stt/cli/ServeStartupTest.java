package ai.voice.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.tools.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code stt serve} as operators start it: a real process, configured by its environment. */
class ServeStartupTest {

  @Test
  void anInvalidVariableStopsStartUpWithExitStatusTwoAndAMessageNamingIt() throws Exception {
    Result r = serve(Map.of("STT_VAD_AGGRESSIVENESS", "9"));
    assertEquals(ServeCommand.EXIT_BAD_CONFIG, r.exitCode());
    assertTrue(r.output().contains("STT_VAD_AGGRESSIVENESS"), r.output());
    assertTrue(r.output().contains("'9'"), r.output());
  }

  @Test
  void aMissingModelStopsStartUpWithExitStatusThreeAndTheFixInTheMessage() throws Exception {
    Result r =
        serve(Map.of("STT_MODEL_PATH", "/nonexistent/ggml-none.bin", "STT_HEALTH_PORT", "0"));
    assertEquals(ServeCommand.EXIT_START_FAILED, r.exitCode());
    assertTrue(r.output().contains("/nonexistent/ggml-none.bin"), r.output());
    assertTrue(r.output().contains("ensure-model.sh"), r.output());
  }

  private record Result(int exitCode, String output) {}

  private static Result serve(Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(ChildJvm.command(List.of(), "serve")).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "serve did not exit");
    return new Result(process.exitValue(), output);
  }
}
