package ai.voice.stt.tools;

import ai.voice.stt.bench.BenchCommand;
import ai.voice.stt.bench.BenchHttpCommand;
import ai.voice.stt.bench.EvalCommand;
import ai.voice.stt.bench.NoiseCheckCommand;
import ai.voice.stt.bench.StressDecodeCommand;
import ai.voice.stt.bench.VadCheckCommand;
import ai.voice.stt.cli.Main;
import ai.voice.stt.web.DemoWebCommand;
import picocli.CommandLine;

/**
 * {@code stt} as {@code bin/stt} runs it from a checkout: every subcommand of the service's {@link
 * Main} plus the development tools ({@code bench}, {@code bench-http}), which live in their own
 * source set ({@code src/tools/java}) and are left out of the service artifact, as is {@code
 * demo-web} (the live microphone page, docs/decisions/0017).
 */
public final class ToolsMain {
  private ToolsMain() {}

  public static void main(String[] args) {
    CommandLine commandLine =
        new CommandLine(new Main())
            .addSubcommand(new BenchHttpCommand())
            .addSubcommand(new BenchCommand())
            .addSubcommand(new NoiseCheckCommand())
            .addSubcommand(new VadCheckCommand())
            .addSubcommand(new StressDecodeCommand())
            .addSubcommand(new EvalCommand())
            .addSubcommand(new DemoWebCommand());
    System.exit(Main.run(commandLine, args));
  }
}
