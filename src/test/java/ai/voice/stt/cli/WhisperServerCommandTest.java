package ai.voice.stt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WhisperServerCommandTest {
  @Test
  void withoutHostOrItsVariableTheServerListensOnLoopbackOnly() {
    WhisperServerCommand command = new WhisperServerCommand();
    new CommandLine(command).parseArgs();
    String expected = System.getenv().getOrDefault("STT_WHISPER_SERVER_HOST", "127.0.0.1");
    assertEquals(expected, command.host);
  }
}
