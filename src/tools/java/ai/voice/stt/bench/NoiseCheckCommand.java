package ai.voice.stt.bench;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.eval.NonSpeech;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stt noise-check}: many sessions of non-speech (silence, white/pink/brown noise, hum,
 * clicks, silence-noise-silence; {@link NonSpeech}, from seeds) through the real service and model,
 * counted by whether any result or interim carried text. The wider run behind NonSpeechTest's few
 * fixed seeds (issue 23); a count, not a pass/fail test, and no timings.
 */
@Command(
    name = "noise-check",
    mixinStandardHelpOptions = true,
    description = "Stream seeded noise and silence sessions; count those that got any text.")
public final class NoiseCheckCommand implements Callable<Integer> {
  @Option(
      names = "--seeds",
      defaultValue = "8",
      description =
          "seeds per kind of noise; 7 kinds, so 7 x this sessions (default: ${DEFAULT-VALUE})")
  int seeds;

  @Option(
      names = "--first-seed",
      defaultValue = "100",
      description = "first seed (NonSpeechTest uses 1 and 2; default: ${DEFAULT-VALUE})")
  long firstSeed;

  @Option(names = "--seconds", defaultValue = "10", description = "length of each clip")
  double seconds;

  @Option(names = "--speed", defaultValue = "4", description = "times real time (0: unpaced)")
  double speed;

  @Option(names = "--at-once", defaultValue = "3", description = "sessions streamed at once")
  int atOnce;

  @Option(names = "--model", defaultValue = ConfigLoader.PROJECT_MODEL)
  Path model;

  @Option(
      names = "--service-env",
      description = "KEY=VALUE for the service, repeatable (e.g. STT_MIN_VOICED_MODULATION_DB=0)")
  Map<String, String> serviceEnv = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    List<NonSpeech.Spec> specs = NonSpeech.mix(seeds, firstSeed, seconds);
    try (InProcessService service = InProcessService.start(model, Map.of(), serviceEnv)) {
      return run(service.client(), specs);
    }
  }

  private int run(StreamClient client, List<NonSpeech.Spec> specs) throws Exception {
    Semaphore slots = new Semaphore(atOnce);
    List<Future<List<Received>>> futures = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < specs.size(); i++) {
        NonSpeech.Spec spec = specs.get(i);
        String id = "noise-" + i + "-" + spec.name().replaceAll("[^a-z0-9]", "-");
        boolean interim = i % 2 == 1;
        futures.add(
            clients.submit(
                () -> {
                  slots.acquire();
                  try (StreamClient.Session session = client.listen(id, r -> {})) {
                    StreamOptions options =
                        StreamOptions.realTime().withSpeed(speed).withInterimResults(interim);
                    client.stream(id, spec.clip(), options, session);
                    return session.awaitEnd(Duration.ofSeconds(120));
                  } finally {
                    slots.release();
                  }
                }));
      }
      int withText = 0;
      int errors = 0;
      for (int i = 0; i < specs.size(); i++) {
        List<Received> out = futures.get(i).get();
        List<String> texts =
            out.stream().map(Received::transcript).filter(t -> !t.isBlank()).toList();
        errors += (int) out.stream().filter(r -> r.type().equals("error")).count();
        withText += texts.isEmpty() ? 0 : 1;
        System.out.printf("%-34s %s%n", specs.get(i).name(), texts.isEmpty() ? "-" : texts);
      }
      System.out.printf(
          "noise-check: %d of %d sessions with text (%d errors); seeds %d-%d, %.0f s each%n",
          withText, specs.size(), errors, firstSeed, firstSeed + seeds - 1, seconds);
      return 0;
    }
  }
}
