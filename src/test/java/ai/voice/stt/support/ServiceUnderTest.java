package ai.voice.stt.support;

import ai.voice.stt.client.StreamClient;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The production wiring ({@link SttService}) against a real nats-server and the real model, plus a
 * client connection. Settings come through the same environment-variable loader as in production.
 */
public final class ServiceUnderTest implements AutoCloseable {
  private final NatsProcess nats;
  private final SttService service;
  private final Connection clientConnection;
  private final StreamClient client;
  private final GatedRecognizer gate;

  private ServiceUnderTest(Map<String, String> extraEnvironment, boolean gated) throws Exception {
    this.nats = NatsProcess.start();
    Map<String, String> env = new HashMap<>();
    env.put("NATS_URL", nats.url());
    env.put("STT_MODEL_PATH", TestData.model().toString());
    env.put("STT_VAD_MODEL_PATH", TestData.vadModel().toString());
    env.put("STT_HEALTH_PORT", "0");
    // No collector runs beside the tests; those about export turn it on with their own receiver.
    env.put("OTEL_ENABLED", "false");
    env.putAll(extraEnvironment);
    SttConfig config = ConfigLoader.load(env, Runtime.getRuntime().availableProcessors());
    this.gate = gated ? GatedRecognizer.around(config) : null;
    this.service = gated ? SttService.start(config, gate) : SttService.start(config);
    service.awaitSubscribed(Duration.ofSeconds(5));
    this.clientConnection = nats.connect();
    this.client =
        new StreamClient(
            clientConnection, config.nats().inputPrefix(), config.nats().outputPrefix());
  }

  public ServiceUnderTest(Map<String, String> extraEnvironment) throws Exception {
    this(extraEnvironment, false);
  }

  public ServiceUnderTest() throws Exception {
    this(Map.of());
  }

  /** The service with its real recognizer behind a {@link GatedRecognizer} ({@link #gate()}). */
  public static ServiceUnderTest gated(Map<String, String> extraEnvironment) throws Exception {
    return new ServiceUnderTest(extraEnvironment, true);
  }

  public GatedRecognizer gate() {
    if (gate == null) {
      throw new IllegalStateException("started without a gate: use ServiceUnderTest.gated");
    }
    return gate;
  }

  public StreamClient client() {
    return client;
  }

  public SttService service() {
    return service;
  }

  public NatsProcess nats() {
    return nats;
  }

  @Override
  public void close() {
    try {
      clientConnection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (gate != null) {
      gate.open();
    }
    service.close();
    nats.close();
  }
}
