package ai.voice.stt.service;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.health.HealthServer;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.session.OutputPublisher;
import ai.voice.stt.session.SegmenterSettings;
import ai.voice.stt.session.SessionEnvironment;
import ai.voice.stt.session.SessionRegistry;
import ai.voice.stt.transport.IngressHandler;
import ai.voice.stt.transport.NatsConnector;
import ai.voice.stt.transport.NatsPublisher;
import ai.voice.stt.vad.SpeechDetectorFactory;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service wired from one configuration: recognizer, sessions, NATS, health. The same
 * wiring runs in production ({@code stt serve}) and in the end-to-end tests.
 */
public final class SttService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SttService.class);
  // Mailboxes hold ~20 s of 20 ms chunks; beyond that the client sends faster than real time.
  private static final int MAILBOX_CAPACITY = 1_000;

  private final SttConfig config;
  private final InferenceScheduler inference;
  private final ScheduledExecutorService timers;
  private final ExecutorService actors;
  private final Connection connection;
  private final SessionRegistry sessions;
  private final Dispatcher dispatcher;
  private final HealthServer health;
  private final ServiceStats stats = new ServiceStats();

  private SttService(SttConfig config, Recognizer recognizer) throws IOException {
    this.config = config;
    SpeechDetectorFactory detectors =
        config.streaming().vadEnabled()
            ? new WebRtcSpeechDetectorFactory(config.streaming().vadAggressiveness())
            : SpeechDetectorFactory.everythingIsSpeech();
    this.inference = new InferenceScheduler(recognizer, config.recognition().queueCapacity());
    ScheduledThreadPoolExecutor timerThread =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("session-timers").daemon().factory());
    // A closed session cancels its timer; without this the cancelled task (and the session it
    // references) would stay queued until its deadline, up to the idle timeout later.
    timerThread.setRemoveOnCancelPolicy(true);
    this.timers = timerThread;
    this.actors =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("session-", 0).factory());
    this.connection =
        NatsConnector.connect(config.nats(), "voice-stt", new NatsOutageRecorder(stats));
    OutputPublisher output =
        new CountingPublisher(new NatsPublisher(connection, config.nats()), stats);
    this.sessions =
        new SessionRegistry(
            new SessionEnvironment(
                config.streaming(),
                config.limits(),
                SegmenterSettings.from(config.streaming()),
                detectors,
                inference,
                output,
                actors,
                timers,
                MAILBOX_CAPACITY));
    IngressHandler ingress =
        new IngressHandler(new MessageDecoder(config.limits().maxChunkBytes()), sessions);
    this.dispatcher =
        connection.createDispatcher(msg -> ingress.onMessage(msg.getSubject(), msg.getData()));
    dispatcher.subscribe(config.nats().inputSubscription());
    this.health =
        config.operations().healthPort() > 0
            ? new HealthServer(config.operations().healthPort(), this::isReady, this::metricsText)
            : null;
  }

  /** Starts the service; the recognizer is loaded before the first message is taken. */
  public static SttService start(SttConfig config) throws IOException {
    return start(config, RecognizerFactory.create(config.recognition()));
  }

  /**
   * Starts the service around a recognizer the caller built (and hands its ownership over: {@link
   * #close()} closes it).
   */
  public static SttService start(SttConfig config, Recognizer recognizer) throws IOException {
    SttService service = new SttService(config, recognizer);
    log.info(service.banner());
    return service;
  }

  public boolean isReady() {
    return connection.getStatus() == Connection.Status.CONNECTED;
  }

  /** Waits until the subscription is registered with the server (tests publish right after). */
  public void awaitSubscribed(Duration timeout) throws TimeoutException, InterruptedException {
    connection.flush(timeout);
  }

  public int activeSessions() {
    return sessions.activeSessions();
  }

  /** Recognitions waiting for a worker (the admission-control signal). */
  public int inferenceQueueDepth() {
    return inference.queueDepth();
  }

  public ServiceStats stats() {
    return stats;
  }

  /** The {@code /metrics} page: counters of {@link #stats()} and the current gauges. */
  public String metricsText() {
    return PrometheusText.render(
        stats,
        new PrometheusText.Gauges(
            connection.getStatus() == Connection.Status.CONNECTED,
            sessions.activeSessions(),
            inference.queueDepth()),
        System.nanoTime());
  }

  private String banner() {
    SttConfig.Streaming s = config.streaming();
    return String.format(
        "voice-stt ready: subscribe %s -> publish %s.{id} | recognizer %s | VAD %s | endpoint %d"
            + " ms, chunk timeout %.1f s, buffer %d bytes, interrupts %s (%d ms) | max sessions %d,"
            + " new sessions refused at %s queued recognitions (queue %d), per session %.0f s of"
            + " audio / %.0f s open",
        config.nats().inputSubscription(),
        config.nats().outputPrefix(),
        inference.describeRecognizer(),
        s.vadEnabled() ? "webrtc mode " + s.vadAggressiveness() : "off",
        s.endpointSilence().toMillis(),
        s.chunkTimeout().toMillis() / 1000.0,
        s.bufferSizeBytes(),
        s.interruptDetectionEnabled() ? "on" : "off",
        s.interruptMinSpeech().toMillis(),
        config.limits().maxSessions(),
        config.limits().admissionQueueDepth() > 0
            ? Integer.toString(config.limits().admissionQueueDepth())
            : "never",
        config.recognition().queueCapacity(),
        config.limits().maxSessionAudio().toMillis() / 1000.0,
        config.limits().maxSessionDuration().toMillis() / 1000.0);
  }

  /**
   * Ordered shutdown: stop intake, end every session (its last result says why), let in-flight
   * recognition finish within the grace period, flush NATS, then free the model.
   */
  @Override
  public void close() {
    Duration grace = config.operations().shutdownGrace();
    try {
      connection.closeDispatcher(dispatcher);
      if (!sessions.closeAll("shutdown", grace)) {
        log.warn(
            "{} sessions still open after the {} s grace period",
            sessions.activeSessions(),
            grace.toSeconds());
      }
      connection.flush(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | RuntimeException e) {
      log.warn("shutdown: {}", e.toString());
    }
    if (health != null) {
      health.close();
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    actors.close();
    inference.close();
  }
}
