package ai.voice.stt.service;

import ai.voice.stt.cluster.JetStreamRouting;
import ai.voice.stt.cluster.ReplicaGuard;
import ai.voice.stt.cluster.RoutingCounts;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.health.HealthServer;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.RecognitionDeadline;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.session.Backlog;
import ai.voice.stt.session.InputOutages;
import ai.voice.stt.session.MailboxBounds;
import ai.voice.stt.session.OutputPublisher;
import ai.voice.stt.session.SessionEnvironment;
import ai.voice.stt.session.SessionRegistry;
import ai.voice.stt.telemetry.Telemetry;
import ai.voice.stt.telemetry.UserData;
import ai.voice.stt.telemetry.UtteranceRecorder;
import ai.voice.stt.transport.ControlPlane;
import ai.voice.stt.transport.IngressHandler;
import ai.voice.stt.transport.NatsConnector;
import ai.voice.stt.transport.NatsPublisher;
import ai.voice.stt.transport.OutputConnection;
import ai.voice.stt.vad.SileroSpeechDetectorFactory;
import ai.voice.stt.vad.SpeechDetectorFactory;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service wired from one configuration: recognizer, sessions, NATS, health. The same
 * wiring runs in production ({@code stt serve}) and in the end-to-end tests.
 */
public final class SttService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SttService.class);

  private final SttConfig config;
  private final InferenceScheduler inference;
  private final ScheduledExecutorService timers;
  private final ExecutorService actors;
  private final Connection connection;
  private final SessionRegistry sessions;
  private final Dispatcher dispatcher;
  private final JetStreamRouting routing;
  // Replicated outputs' own connection (null with plain routing).
  private final OutputConnection outputs;
  private final ReplicaGuard guard;
  private final HealthServer health;
  private final Telemetry telemetry;
  private final ControlPlane controlPlane;
  private final ServiceStats stats = new ServiceStats();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final CompletableFuture<ShutdownReport> shutdownDone = new CompletableFuture<>();

  private SttService(SttConfig config, Recognizer recognizer, Telemetry telemetry)
      throws IOException {
    this.config = config;
    this.telemetry = telemetry;
    // What start-up has started so far, undone in reverse when a later step fails (a taken health
    // port, say): a failed start leaves no subscription, connection or thread behind. Any
    // Throwable undoes it, not only IOException and RuntimeException: an Error (a native
    // library that fails to link, a class that fails to initialise) would otherwise leave the
    // connection taking sessions and the timer and inference threads running in a process that
    // goes on (the tests, demo-web).
    List<AutoCloseable> started = new ArrayList<>();
    started.add(recognizer::close);
    try {
      SpeechDetectorFactory detectors = vad(config.streaming().vadAggressiveness());
      // Silero's one detector per session both opens utterances and ends them (decisions/0025).
      SpeechDetectorFactory endpointDetectors =
          config.streaming().vad() == SttConfig.VadKind.SILERO
              ? detectors
              : vad(config.streaming().endpointVadAggressiveness());
      this.inference =
          new InferenceScheduler(
              recognizer,
              config.recognition().queueCapacity(),
              new RecognitionDeadline(
                  config.recognition().timeoutBase(), config.recognition().timeoutFactor()));
      started.set(0, () -> inference.close(Duration.ofSeconds(5))); // frees the recognizer too
      ScheduledThreadPoolExecutor timerThread =
          new ScheduledThreadPoolExecutor(
              1, Thread.ofPlatform().name("session-timers").daemon().factory());
      // A closed session cancels its timer; without this the cancelled task (and the session it
      // references) would stay queued until its deadline, up to the idle timeout later.
      timerThread.setRemoveOnCancelPolicy(true);
      this.timers = timerThread;
      started.add(timerThread::shutdownNow);
      this.actors =
          Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("session-", 0).factory());
      started.add(actors::shutdownNow);
      this.connection =
          NatsConnector.connect(config.nats(), "voice-stt", new NatsOutageRecorder(stats));
      started.add(connection::close); // its dispatcher and subscription go with it
      Backlog backlog = new Backlog();
      boolean jetStream = useJetStream();
      InputOutages inputOutages = jetStream ? new InputOutages() : InputOutages.NONE;
      if (jetStream) {
        connection.addConnectionListener(
            (conn, event) -> {
              double now = System.currentTimeMillis() / 1000.0;
              switch (event) {
                case DISCONNECTED -> inputOutages.began(now);
                case RECONNECTED -> inputOutages.ended(now);
                default -> {}
              }
            });
      }
      // Unique per process: a restarted pod keeps its name but is a new claimant.
      String replicaId =
          config.routing().replicaId() + "-" + UUID.randomUUID().toString().substring(0, 6);
      this.outputs =
          jetStream
              ? new OutputConnection(config.nats(), "voice-stt-outputs", connection::getServers)
              : null;
      if (outputs != null) {
        started.add(outputs::close);
        outputs.open();
      }
      OutputPublisher output =
          new CountingPublisher(
              new NatsPublisher(
                  connection,
                  config.nats(),
                  jetStream ? replicaId : null,
                  outputs,
                  config.limits().sessionIdleTimeout()),
              stats,
              telemetry.metrics());
      this.sessions =
          new SessionRegistry(
              SessionEnvironment.of(
                      config,
                      detectors,
                      endpointDetectors,
                      inference,
                      output,
                      new UtteranceRecorder(
                          telemetry.tracer(),
                          telemetry.metrics(),
                          new UserData(config.operations().redactUserData())),
                      actors,
                      timers,
                      MailboxBounds.DEFAULT,
                      backlog)
                  // Audio an outage kept from arriving is named with replicas only: with one pod,
                  // what a client publishes while NATS is down is its own to resend
                  // (docs/operations.md).
                  .withInputOutages(inputOutages));
      telemetry.metrics().observe(sessions::activeSessions, inference::queueDepth, backlog);
      MessageDecoder decoder = new MessageDecoder(config.limits().maxChunkBytes());
      if (jetStream) {
        this.routing =
            JetStreamRouting.start(connection, config, sessions, decoder, replicaId, inputOutages);
        started.add(routing::close);
        this.dispatcher = null;
      } else {
        this.routing = null;
        this.dispatcher =
            subscribe(new IngressHandler(decoder, sessions, config.nats()::sessionIdOf));
      }
      Dispatcher input = dispatcher;
      ServiceInstruments.register(
          telemetry.meter(),
          stats,
          () -> connection.getStatus() == Connection.Status.CONNECTED,
          () -> input == null ? 0 : input.getDroppedCount());
      ServiceInstruments.registerStuckWorkers(telemetry.meter(), inference::stuckWorkers);
      ServiceInstruments.registerRouting(
          telemetry.meter(), routing != null ? routing.counts() : new RoutingCounts());
      ServiceInstruments.registerWorkers(
          telemetry.meter(), inference::workers, inference::busyWorkers);
      ServiceInstruments.registerAborts(telemetry.meter(), inference);
      this.controlPlane =
          new ControlPlane(
              connection,
              BuildInfo.version(),
              Map.of(
                  ControlPlane.METADATA_INPUT,
                  config.nats().inputSubscription(),
                  "output",
                  config.nats().outputSubject("{id}"),
                  ControlPlane.METADATA_ROUTING,
                  routingName(),
                  "replica",
                  replicaName()),
              this::status);
      started.add(controlPlane::close);
      this.guard =
          new ReplicaGuard(
              connection, controlPlane.id(), config.nats().inputSubscription(), routing == null);
      started.add(guard::close);
      // After the guard, which isReady() reads.
      ServiceInstruments.registerReadiness(telemetry.meter(), this::isReady);
      this.health =
          config.operations().healthPort() > 0
              ? new HealthServer(
                  config.operations().healthPort(), this::isAlive, this::isReady, this::metricsText)
              : null;
      // The last step of start-up: it asks the recognizer to describe itself.
      log.info(banner());
    } catch (Throwable e) {
      undo(started, e);
      throw e;
    }
  }

  /**
   * Closes what {@code started} holds, newest first. An interrupt (pending when start-up failed, or
   * raised by a close) is held back until every step has run, so that it cannot cut the wait for
   * the inference threads short and leave the model unfreed, and is then restored.
   */
  private static void undo(List<AutoCloseable> started, Throwable failure) {
    boolean interrupted = Thread.interrupted();
    for (AutoCloseable c : started.reversed()) {
      try {
        c.close();
      } catch (Throwable e) {
        failure.addSuppressed(e);
        interrupted |= e instanceof InterruptedException;
      }
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** JetStream routing when configured, or when {@code auto} finds JetStream on the server. */
  private boolean useJetStream() throws IOException {
    return switch (config.routing().mode()) {
      case PLAIN -> false;
      case AUTO -> JetStreamRouting.available(connection);
      case JETSTREAM -> {
        if (!JetStreamRouting.available(connection)) {
          throw new IOException(
              "STT_ROUTING=jetstream, but the NATS server has no JetStream for this account"
                  + " (start nats-server with -js, 2.11 or later)");
        }
        yield true;
      }
    };
  }

  private String routingName() {
    return routing == null ? "plain" : "jetstream";
  }

  private String replicaName() {
    return routing == null ? config.routing().replicaId() : routing.replicaId();
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
    Telemetry telemetry;
    try {
      telemetry = Telemetry.create(config.operations().telemetry());
    } catch (Throwable e) {
      try {
        recognizer.close(); // handed over: nothing else will free it
      } catch (Throwable closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    try {
      return new SttService(config, recognizer, telemetry);
    } catch (Throwable e) {
      try {
        telemetry.close(); // the constructor closed everything it had started, the recognizer too
      } catch (Throwable closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * Subscribes the input. jnats gives up on a server that refuses the credentials (it closes the
   * connection instead of retrying); that is a configuration error and start-up says so.
   */
  private Dispatcher subscribe(IngressHandler ingress) throws IOException {
    try {
      if (connection.getStatus() != Connection.Status.CLOSED) {
        Dispatcher d =
            connection.createDispatcher(msg -> ingress.onMessage(msg.getSubject(), msg.getData()));
        d.subscribe(config.nats().inputSubscription());
        return d;
      }
    } catch (IllegalStateException e) {
      // closed between the check and the subscription: reported below
    }
    String reason = connection.getLastError();
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IOException(
        "NATS closed the connection"
            + (reason == null || reason.isBlank() ? "" : ": " + reason)
            + " (check NATS_URL and the NATS_* credentials)");
  }

  /**
   * The process can still serve: false once jnats has given up on NATS for good (for example when
   * the credentials stop being accepted), so that Kubernetes restarts the pod instead of leaving it
   * unready forever.
   */
  public boolean isAlive() {
    return shuttingDown.get() || connection.getStatus() != Connection.Status.CLOSED;
  }

  /**
   * Connected to NATS and taking new sessions (false from the start of a shutdown), with fewer
   * recognizer workers stuck past their deadline than there are workers.
   */
  public boolean isReady() {
    return !shuttingDown.get()
        && connection.getStatus() == Connection.Status.CONNECTED
        && guard.problem().isEmpty()
        && inference.healthy();
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

  /** What the {@code stt.status} endpoint of the micro service answers. */
  public ControlPlane.Status status() {
    return new ControlPlane.Status(
        sessions.activeSessions(),
        inference.queueDepth(),
        inference.describeRecognizer(),
        config.recognition().kind() == SttConfig.RecognizerKind.LOCAL
            ? "whisper.cpp (local)"
            : "HTTP Whisper",
        isReady(),
        routingName(),
        replicaName(),
        routing == null ? Map.of(replicaName(), sessions.sessionIds()) : routing.assignments(),
        guard.problem());
  }

  public ServiceStats stats() {
    return stats;
  }

  /**
   * The {@code /metrics} page: every instrument, the service counters of {@link #stats()} included.
   */
  public String metricsText() {
    return telemetry.prometheusText();
  }

  /** The configured VAD (the WebRTC one in {@code mode}), or every frame speech when VAD is off. */
  private SpeechDetectorFactory vad(int mode) {
    SttConfig.Streaming s = config.streaming();
    if (!s.vadEnabled()) {
      return SpeechDetectorFactory.everythingIsSpeech();
    }
    return switch (s.vad()) {
      case WEBRTC -> new WebRtcSpeechDetectorFactory(mode);
      case SILERO -> SileroSpeechDetectorFactory.load(s.vadModelPath());
    };
  }

  private String banner() {
    SttConfig.Streaming s = config.streaming();
    return String.format(
        "voice-stt ready: subscribe %s -> publish %s.{id} (NATS %s) | recognizer %s%s | VAD %s | endpoint %d"
            + " ms (%d ms after a sentence), speculative finals %s, interim results %s by default,"
            + " chunk timeout %.1f s, buffer %d bytes, interrupts %s (%d ms) | max sessions %d,"
            + " new sessions refused at %s queued recognitions (queue %d), per session %.0f s of"
            + " audio / %.0f s open",
        config.nats().inputSubscription(),
        config.nats().outputPrefix(),
        config.nats().security().describe(),
        inference.describeRecognizer(),
        // The HTTP recognizer's concurrency takes the place of the workers.
        config.recognition().kind() == SttConfig.RecognizerKind.LOCAL
            ? ", " + config.recognition().describeWorkers()
            : "",
        !s.vadEnabled()
            ? "off"
            : s.vad() == SttConfig.VadKind.SILERO
                ? "silero " + s.vadModelPath()
                : "webrtc mode "
                    + s.vadAggressiveness()
                    + " (end-point mode "
                    + s.endpointVadAggressiveness()
                    + ")",
        s.endpointSilence().toMillis(),
        s.sentenceEndSilence().toMillis(),
        s.speculative() ? s.speculateAfter().toMillis() + " ms into a pause" : "off",
        s.interimResults() ? "on" : "off",
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
   * What an ordered shutdown achieved.
   *
   * @param sessionsToEnd sessions open when it began
   * @param sessionsLeftOpen sessions that had not published their last result by the deadline
   */
  public record ShutdownReport(int sessionsToEnd, int sessionsLeftOpen, Duration took) {
    /** Every session got its last result within the grace period. */
    public boolean clean() {
      return sessionsLeftOpen == 0;
    }
  }

  /**
   * Ordered shutdown within {@code STT_SHUTDOWN_GRACE}: refuse new sessions (readiness goes down,
   * and a message for a new session is answered with {@code session_closing}), end every session so
   * it flushes its audio and publishes its last result with {@code end_reason: shutdown}, let
   * in-flight recognition finish, then stop the input, flush NATS and free the model. Input stays
   * subscribed until the sessions are done so late messages are answered, not dropped unseen.
   *
   * <p>Safe to call more than once and from several threads: later calls wait for the first.
   */
  public ShutdownReport shutdown() {
    if (!shuttingDown.compareAndSet(false, true)) {
      return shutdownDone.join();
    }
    long began = System.nanoTime();
    Duration grace = config.operations().shutdownGrace();
    long deadline = began + grace.toNanos();
    // Keep a quarter of the grace (at most 2 s) for flushing the last results and freeing the
    // model.
    Duration reserve =
        Duration.ofNanos(Math.min(Duration.ofSeconds(2).toNanos(), grace.toNanos() / 4));
    // In one step no session may open from here on and every open one is asked to end, so a
    // late message for either is answered with session_closing; then discovery stops listing
    // this replica (unregistering can be slow) while the sessions finish.
    // With JetStream routing the sessions move to the other replicas instead of ending.
    int open = routing != null ? routing.handOver() : sessions.endAll("shutdown");
    log.info(
        "shutting down: {} {} sessions, grace {} s",
        routing != null ? "handing over" : "ending",
        open,
        grace.toMillis() / 1000.0);
    guard.close();
    controlPlane.close();
    int leftOpen = 0;
    try {
      if (!sessions.awaitAllClosed(grace.minus(reserve))) {
        leftOpen = sessions.activeSessions();
        log.warn(
            "{} sessions had not published their last result after {} s; their results are lost",
            leftOpen,
            grace.minus(reserve).toMillis() / 1000.0);
      }
      if (routing != null) {
        routing.close();
      } else {
        connection.closeDispatcher(dispatcher);
      }
      sessions.awaitRepliesSent(remaining(deadline));
      if (outputs != null) {
        outputs.close(); // flushes what it holds
      }
      connection.flush(remaining(deadline));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | RuntimeException e) {
      log.warn("shutdown: flushing results to NATS: {}", e.toString());
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
    actors.shutdown();
    inference.close(remaining(deadline));
    ShutdownReport report =
        new ShutdownReport(open, leftOpen, Duration.ofNanos(System.nanoTime() - began));
    log.info(
        "stopped: {} of {} sessions ended with their last result in {} s",
        open - leftOpen,
        open,
        report.took().toMillis() / 1000.0);
    // Last, so the spans and metrics of the final results are exported too; within what is left
    // of the grace period.
    telemetry.close(remaining(deadline));
    shutdownDone.complete(report);
    return report;
  }

  /** {@link #shutdown()}, for try-with-resources and tests. */
  @Override
  public void close() {
    shutdown();
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(
        Math.max(Duration.ofMillis(100).toNanos(), deadlineNanos - System.nanoTime()));
  }
}
