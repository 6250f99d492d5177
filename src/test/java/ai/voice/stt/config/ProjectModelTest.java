package ai.voice.stt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The project's model is one fact: the Java commands and the scripts name the same file. */
class ProjectModelTest {
  @Test
  void theScriptsFetchTheModelTheCommandsAndTestsUse() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", "scripts/ensure-model.sh", "--default-name")
            .redirectErrorStream(true)
            .start();
    String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), name);

    assertEquals(Path.of("models", "ggml-" + name + ".bin"), Path.of(ConfigLoader.PROJECT_MODEL));
    assertEquals(
        "ggml-" + name + ".bin",
        Path.of(System.getProperty("stt.test.model", ConfigLoader.PROJECT_MODEL))
            .getFileName()
            .toString());
  }
}
