package ai.voice.stt.cli;

import ai.voice.stt.telemetry.JulBridge;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code stt}: the service and its tools. */
@Command(
    name = "stt",
    mixinStandardHelpOptions = true,
    version = "voice-stt 0.1.0",
    description = "Streaming speech-to-text over NATS (whisper.cpp + WebRTC VAD).",
    subcommands = {
      ServeCommand.class,
      StreamCommand.class,
      TranscribeCommand.class,
      WhisperServerCommand.class,
      ai.voice.stt.bench.BenchHttpCommand.class,
      ai.voice.stt.bench.BenchCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    // Libraries that log through java.util.logging (the OpenTelemetry SDK's "Exporter failed",
    // for one) would otherwise print two-line plain-text records into a JSON log stream.
    JulBridge.install();
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
