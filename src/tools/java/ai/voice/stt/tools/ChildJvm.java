package ai.voice.stt.tools;

import ai.voice.stt.cli.Main;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs {@code stt SUBCOMMAND ...} in a new JVM like this one (same Java, same
 * classpath, same native-access flags), for the benchmark's service process and for tests that need
 * a real child process to signal or kill.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * @param jvmOptions extra JVM flags, e.g. a heap limit
   * @param sttArguments the subcommand and its arguments
   */
  public static List<String> command(List<String> jvmOptions, String... sttArguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    // msgpack-core uses sun.misc.Unsafe, which JDK 24+ warns about on every start.
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(sttArguments));
    return command;
  }
}
