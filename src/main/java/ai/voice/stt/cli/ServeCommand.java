package ai.voice.stt.cli;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** Runs the service until SIGTERM/SIGINT, then shuts down in order and exits. */
@Command(
    name = "serve",
    description = "Run the service. Configured by environment variables (docs/configuration.md).")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
  static final int EXIT_BAD_CONFIG = 2;
  static final int EXIT_START_FAILED = 3;
  static final int EXIT_SESSIONS_CUT_SHORT = 4;

  @Override
  public Integer call() throws InterruptedException {
    SttConfig config;
    try {
      config = ConfigLoader.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("stt serve: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    SttService service;
    try {
      service = SttService.start(config);
    } catch (ConfigException e) {
      // e.g. a TLS file that exists but holds no usable certificate or key
      System.err.println("stt serve: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    } catch (Exception e) {
      System.err.println("stt serve: cannot start: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Logged, not printed: in a container every line of stderr is a JSON record.
                  log.info("SIGTERM received: shutting down");
                  SttService.ShutdownReport report = service.shutdown();
                  // The JVM would report a SIGTERM death as status 143 however orderly the
                  // shutdown was; halting from the hook says what really happened instead: 0
                  // when every session got its last result within the grace period.
                  Runtime.getRuntime().halt(report.clean() ? 0 : EXIT_SESSIONS_CUT_SHORT);
                },
                "shutdown"));
    new CountDownLatch(1).await(); // until the hook halts the process
    return 0;
  }
}
