package ai.voice.stt.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo command's choices that need no browser: origins, environment, refusals. */
class DemoWebCommandTest {
  @TempDir Path dir;

  @Test
  void aLoopbackPageIsAllowedByEveryLoopbackName() {
    List<String> loopback =
        List.of("http://127.0.0.1:8088", "http://localhost:8088", "http://[::1]:8088");
    assertEquals(loopback, DemoWebCommand.allowedOrigins("127.0.0.1", 8088));
    assertEquals(loopback, DemoWebCommand.allowedOrigins("localhost", 8088));
    List<String> named = DemoWebCommand.allowedOrigins("192.168.1.20", 8088);
    assertEquals("http://192.168.1.20:8088", named.get(0));
    assertTrue(named.containsAll(loopback));
  }

  @Test
  void onAllInterfacesAnyOriginIsAllowedAndTheUrlSaysLoopback() {
    assertEquals(List.of(), DemoWebCommand.allowedOrigins("0.0.0.0", 8088));
    assertEquals("127.0.0.1", DemoWebCommand.urlHost("0.0.0.0"));
    assertEquals("[::1]", DemoWebCommand.urlHost("::1"));
    assertEquals("studio.lan", DemoWebCommand.urlHost("studio.lan"));
  }

  @Test
  void theServiceStartedHereGetsTheDemoDefaultsAndNoForeignCredentials() {
    Map<String, String> env =
        DemoWebCommand.serviceEnvironment(
            Map.of(
                "NATS_URL", "nats://prod:4222",
                "NATS_TOKEN", "secret",
                "NATS_TLS_CA_FILE", "/ca.pem",
                "WHISPER_MODEL_SIZE", "base.en",
                "STT_LANGUAGE", "en"),
            dir,
            true);
    assertFalse(env.containsKey("NATS_TOKEN"));
    assertFalse(env.containsKey("NATS_TLS_CA_FILE"));
    assertEquals("base.en", env.get("WHISPER_MODEL_SIZE")); // what the user set wins
    assertEquals("en", env.get("STT_LANGUAGE"));
    assertEquals("0", env.get("STT_HEALTH_PORT"));
    assertEquals("false", env.get("OTEL_ENABLED"));
    assertEquals(dir.resolve("models").toString(), env.get("STT_MODEL_DIR"));

    Map<String, String> pageOnly =
        DemoWebCommand.serviceEnvironment(Map.of("NATS_TOKEN", "secret"), dir, false);
    assertEquals(Map.of("NATS_TOKEN", "secret"), pageOnly);
  }

  @Test
  void refusesToStartWithoutThePageLibrariesOrWithABadUrl() throws Exception {
    Path page = Files.createDirectories(dir.resolve("web"));
    Files.writeString(page.resolve("index.html"), "<!doctype html>");
    int missing =
        new CommandLine(new DemoWebCommand())
            .execute("--web-dir", page.toString(), "--vendor-dir", dir.resolve("none").toString());
    assertEquals(DemoWebCommand.EXIT_USAGE, missing);

    Path modules = dir.resolve("node_modules");
    for (var entry : WebDemoServer.VENDORED.entrySet()) {
      Path module = modules.resolve(entry.getKey()).resolve(entry.getValue());
      Files.createDirectories(module.getParent());
      Files.writeString(module, "");
    }
    int badUrl =
        new CommandLine(new DemoWebCommand())
            .execute(
                "--web-dir",
                page.toString(),
                "--vendor-dir",
                modules.toString(),
                "--nats-ws",
                "http://not-a-websocket");
    assertEquals(DemoWebCommand.EXIT_USAGE, badUrl);
  }
}
