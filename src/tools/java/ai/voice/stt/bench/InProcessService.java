package ai.voice.stt.bench;

import ai.voice.stt.client.StreamClient;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import ai.voice.stt.web.LocalNatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real service in this process on its own local nats-server, for the measuring commands that
 * stream files through it ({@code stt eval}, {@code stt vad-check}, {@code stt noise-check}): plain
 * routing, no telemetry, health on a free port, the given model, then the command's settings and
 * the user's {@code --service-env} on top (in that order, so the user's win). {@code stt bench}
 * runs the service as a child process instead, to measure its CPU and memory alone.
 */
final class InProcessService implements AutoCloseable {
  private final LocalNatsServer nats;
  private final SttService service;
  private final Connection connection;
  private final StreamClient client;

  private InProcessService(
      LocalNatsServer nats, SttService service, Connection connection, StreamClient client) {
    this.nats = nats;
    this.service = service;
    this.connection = connection;
    this.client = client;
  }

  /**
   * Starts nats-server and the service, and waits until the service listens.
   *
   * @param settings the command's own service settings (e.g. {@code STT_VAD})
   * @param serviceEnv the user's {@code --service-env}, applied last
   */
  static InProcessService start(
      Path model, Map<String, String> settings, Map<String, String> serviceEnv) throws Exception {
    LocalNatsServer nats =
        LocalNatsServer.start(LocalNatsServer.executable(), "127.0.0.1", List.of());
    SttService service = null;
    Connection connection = null;
    try {
      Map<String, String> env = new HashMap<>();
      env.put("NATS_URL", nats.natsUrl());
      env.put("STT_MODEL_PATH", model.toString());
      env.put("STT_HEALTH_PORT", "0");
      env.put("OTEL_ENABLED", "false");
      env.put("STT_ROUTING", "plain");
      env.putAll(settings);
      env.putAll(serviceEnv);
      SttConfig config = ConfigLoader.load(env, Runtime.getRuntime().availableProcessors());
      service = SttService.start(config);
      connection = Nats.connect(nats.natsUrl());
      service.awaitSubscribed(Duration.ofSeconds(10));
      StreamClient client =
          new StreamClient(connection, config.nats().inputPrefix(), config.nats().outputPrefix());
      return new InProcessService(nats, service, connection, client);
    } catch (Exception | Error e) {
      if (connection != null) {
        connection.close();
      }
      if (service != null) {
        service.close();
      }
      nats.close();
      throw e;
    }
  }

  /** A client of the service's subjects. */
  StreamClient client() {
    return client;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        service.close();
      } finally {
        nats.close();
      }
    }
  }
}
