package ai.voice.stt.cluster;

import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.session.InputOutages;
import ai.voice.stt.session.SessionActor;
import ai.voice.stt.session.SessionRegistry;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inputs of the sessions this replica holds, each read from the input stream by its own ordered
 * consumer ({@link SessionInput}), and kept reading: after a reconnection every one starts afresh,
 * and one whose input was heard on the subject but not delivered for a while (an ordered consumer
 * can stall for good when a JetStream leader moves) is restarted; input heard and not delivered for
 * a second is recorded as an input outage ({@link InputOutages}), since a stream without a leader
 * stores nothing meanwhile.
 */
final class SessionInputs {
  private static final Logger log = LoggerFactory.getLogger(SessionInputs.class);
  private static final long INTERRUPTED_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final StreamContext stream;
  private final Dispatcher dispatcher;
  private final SttConfig.Nats nats;
  private final MessageDecoder decoder;
  private final SessionRegistry sessions;
  private final InputOutages outages;
  private final Executor restarts;
  private final long stallNanos;
  private final BooleanSupplier closed;
  private final ConcurrentMap<String, SessionInput> held = new ConcurrentHashMap<>();

  /**
   * @param restarts where restarts run (they wait on JetStream)
   * @param stallNanos how long input heard and not delivered stalls a consumer
   * @param closed whether the replica is closing (ends the retries of a restart)
   */
  SessionInputs(
      StreamContext stream,
      Dispatcher dispatcher,
      SttConfig.Nats nats,
      MessageDecoder decoder,
      SessionRegistry sessions,
      InputOutages outages,
      Executor restarts,
      long stallNanos,
      BooleanSupplier closed) {
    this.stream = stream;
    this.dispatcher = dispatcher;
    this.nats = nats;
    this.decoder = decoder;
    this.sessions = sessions;
    this.outages = outages;
    this.restarts = restarts;
    this.stallNanos = stallNanos;
    this.closed = closed;
  }

  /** Starts reading a session this replica now holds, from stream sequence {@code fromSeq}. */
  void open(String id, long fromSeq, SessionActor actor) throws IOException, JetStreamApiException {
    SessionInput input =
        new SessionInput(
            stream, nats.inputSubject(id), dispatcher, fromSeq, msg -> deliver(id, actor, msg));
    held.put(id, input);
    try {
      input.start();
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      held.remove(id, input);
      throw e;
    }
  }

  /**
   * A message of the session was heard on the input subject.
   *
   * @return whether this replica holds the session (its consumer delivers the message)
   */
  boolean heard(String id) {
    SessionInput input = held.get(id);
    if (input == null) {
      return false;
    }
    input.heard(System.nanoTime());
    return true;
  }

  /** The session left this replica: stop reading its input. */
  void close(String id) {
    SessionInput input = held.remove(id);
    if (input != null) {
      input.stop();
    }
  }

  void closeAll() {
    held.values().forEach(SessionInput::stop);
    held.clear();
  }

  /** After a reconnection: every input afresh from where it stood, retried until it starts. */
  void restartAll() {
    for (Map.Entry<String, SessionInput> e : held.entrySet()) {
      while (!closed.getAsBoolean() && held.get(e.getKey()) == e.getValue() && !restart(e)) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** On the heartbeat tick: records input outages, restarts stalled consumers (off this thread). */
  void supervise() {
    long now = System.nanoTime();
    for (Map.Entry<String, SessionInput> e : held.entrySet()) {
      e.getValue()
          .interruptedFor(now, INTERRUPTED_AFTER_NANOS)
          .ifPresent(
              nanos -> {
                double to = System.currentTimeMillis() / 1000.0;
                outages.record(to - nanos / 1e9, to);
              });
      if (e.getValue().stalled(now, stallNanos)) {
        log.warn("session {}: its input stalled; reading it afresh", e.getKey());
        restarts.execute(() -> restart(e));
      }
    }
  }

  /** Starts a fresh consumer for a held session's input; false when that failed (try again). */
  private boolean restart(Map.Entry<String, SessionInput> input) {
    try {
      input.getValue().restart();
      return true;
    } catch (IOException | JetStreamApiException | RuntimeException ex) {
      log.warn("session {}: cannot read its input yet: {}", input.getKey(), ex.getMessage());
      return false;
    }
  }

  private void deliver(String id, SessionActor actor, Message msg) {
    long seq = msg.metaData().streamSequence();
    byte[] payload = msg.getData() == null ? new byte[0] : msg.getData();
    boolean accepted;
    try {
      accepted = actor.deliver(decoder.decode(payload, id), seq);
    } catch (ProtocolException e) {
      accepted = actor.deliverInvalid(e.code(), e.getMessage(), seq);
    }
    if (!accepted) {
      sessions.reject(id, ErrorCode.OVERLOADED, SessionActor.CONTROL_FLOOD);
    }
  }
}
