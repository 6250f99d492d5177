package ai.voice.stt.cli;

import ai.voice.stt.telemetry.JulBridge;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code stt} as the service image runs it: the service and its clients. The development tools
 * ({@code bench}, {@code bench-http}) are added by {@code ai.voice.stt.tools.ToolsMain}, which
 * {@code bin/stt} runs; they are not in the service artifact.
 */
@Command(
    name = "stt",
    mixinStandardHelpOptions = true,
    version = "voice-stt 0.1.0",
    description = "Streaming speech-to-text over NATS (whisper.cpp + WebRTC VAD).",
    subcommands = {
      ServeCommand.class,
      StreamCommand.class,
      TranscribeCommand.class,
      WhisperServerCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(run(new CommandLine(new Main()), args));
  }

  /** Runs a command line built on {@link Main} (the tools add their subcommands to it). */
  public static int run(CommandLine commandLine, String[] args) {
    // Libraries that log through java.util.logging (the OpenTelemetry SDK's "Exporter failed",
    // for one) would otherwise print two-line plain-text records into a JSON log stream.
    JulBridge.install();
    return commandLine.execute(args);
  }
}
