package ai.voice.stt.cli;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** Runs the service until SIGTERM/SIGINT, then shuts down in order. */
@Command(
    name = "serve",
    description = "Run the service. Configured by environment variables (docs/configuration.md).")
final class ServeCommand implements Callable<Integer> {
  static final int EXIT_BAD_CONFIG = 2;
  static final int EXIT_START_FAILED = 3;

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
    } catch (Exception e) {
      System.err.println("stt serve: cannot start: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }
}
