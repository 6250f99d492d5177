package ai.voice.stt.session;

import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.protocol.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds or opens the actor of a session and hands it each message. Only a {@code start} or audio
 * opens a session that does not exist yet (a chunk with default settings, as the contract says),
 * within the configured maximum; a closed session's actor removes itself. Messages for ids with no
 * session that open nothing are answered here ({@link UnopenedInput}): an {@code end} gets its
 * {@code end_of_stream} result, a {@code state_change} an error, and the ids whose refusal,
 * rejected {@code start} or end were answered are remembered for a while (bounded) so that their
 * late messages open nothing.
 */
public final class SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
  private static final int REPLY_BACKLOG = 10_000;
  // Ids remembered at once in each record (refused, rejected start, ended); beyond it the least
  // recently heard one is forgotten.
  private static final int IDS_REMEMBERED = 10_000;
  private final SessionEnvironment env;
  private final ConcurrentMap<String, SessionActor> sessions = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final ReentrantLock admission = new ReentrantLock();
  private final ReentrantLock emptyLock = new ReentrantLock();
  private final Condition becameEmpty = emptyLock.newCondition();
  private volatile boolean accepting = true;
  // Answers to messages that reached no session, published in order off the caller's thread: the
  // caller is the NATS dispatcher, and a publish may wait for room in jnats' outgoing queue.
  private final Mailbox replies;
  private final AtomicLong repliesDropped = new AtomicLong();
  private final RecentIds refusedSessions;
  private final UnopenedInput unopened;

  public SessionRegistry(SessionEnvironment env) {
    this.env = env;
    this.replies =
        new Mailbox(
            env.actorExecutor(),
            new MailboxBounds(0, REPLY_BACKLOG),
            "(replies)",
            failure -> log.warn("an error reply was not published: {}", failure.toString()));
    this.refusedSessions =
        new RecentIds(env.limits().sessionIdleTimeout().toNanos(), IDS_REMEMBERED);
    this.unopened =
        new UnopenedInput(
            env.limits().sessionIdleTimeout(), env.limits().endedSessionMemory(), IDS_REMEMBERED);
  }

  public void route(String sessionId, StreamMessage message) {
    SessionActor actor = sessions.get(sessionId);
    if (actor == null) {
      long now = System.nanoTime();
      // A refused session's refusal was answered once: its later messages are dropped, until a
      // start, which is a new attempt (docs/protocol.md).
      if (message instanceof StreamMessage.Start) {
        refusedSessions.forget(sessionId);
      } else if (refusedSessions.heard(sessionId, now) != RecentIds.Heard.UNKNOWN) {
        droppedAfterRefusal();
        return;
      }
      if (!answer(sessionId, unopened.decide(sessionId, message, now), true)) {
        return;
      }
      actor = open(sessionId);
      if (actor == null) {
        return;
      }
    }
    if (!actor.deliver(message)) {
      reject(sessionId, ErrorCode.OVERLOADED, SessionActor.CONTROL_FLOOD);
    }
  }

  /** Why a session was not opened. */
  public record Refusal(ErrorCode code, String message) {}

  /**
   * Opens a session this replica has just claimed, carrying on from {@code from} (JetStream
   * routing); null when it may not open here now ({@link #refusal()} says why).
   */
  public SessionActor adopt(
      String sessionId, SessionCheckpoint from, SessionClaim claim, boolean inProgress) {
    admission.lock();
    try {
      Refusal refusal = refusal();
      // A session in progress moving here is not refused for load, as it would not be on one pod.
      boolean refused =
          refusal != null && !(inProgress && refusal.code() == ErrorCode.SERVICE_BUSY);
      if (refused || sessions.containsKey(sessionId)) {
        return null;
      }
      count.incrementAndGet();
      SessionActor created = new SessionActor(sessionId, env, this::closed, from, claim);
      sessions.put(sessionId, created);
      return created;
    } finally {
      admission.unlock();
    }
  }

  /** Whether this replica holds the session now. */
  public boolean holds(String sessionId) {
    return sessions.containsKey(sessionId);
  }

  /** The sessions this replica holds. */
  public List<String> sessionIds() {
    return List.copyOf(sessions.keySet());
  }

  /**
   * Stops opening sessions and hands every open one to the next replica: {@code stopInput} runs
   * first for each (so nothing more reaches it), then the actor releases its checkpoint once its
   * recognition in flight is published.
   *
   * @return the number of sessions handed over
   */
  public int handOverAll(java.util.function.Consumer<String> stopInput) {
    List<SessionActor> open;
    admission.lock();
    try {
      accepting = false;
      open = List.copyOf(sessions.values());
    } finally {
      admission.unlock();
    }
    for (SessionActor actor : open) {
      stopInput.accept(actor.id());
      actor.requestHandOver();
    }
    return open.size();
  }

  private SessionActor open(String sessionId) {
    Refusal refusal;
    // Admission and shutdown exclude each other, so no session can open unseen by closeAll.
    admission.lock();
    try {
      refusal = refusal();
      if (refusal == null) {
        count.incrementAndGet();
        SessionActor created = new SessionActor(sessionId, env, this::closed);
        SessionActor existing = sessions.putIfAbsent(sessionId, created);
        if (existing == null) {
          return created;
        }
        count.decrementAndGet();
        return existing;
      }
    } finally {
      admission.unlock();
    }
    if (isFinal(refusal)) {
      refusedSessions.remember(sessionId, System.nanoTime(), true);
      answerRefusal(sessionId, refusal);
    } else {
      reject(sessionId, refusal.code(), refusal.message());
    }
    return null;
  }

  /**
   * Whether a refusal is the session's final answer ({@code service_busy}, {@code session_limit}):
   * one error and one end-of-stream result, its later messages dropped. A refusal at shutdown
   * ({@code session_closing}) is answered per message, as every message then is.
   */
  public static boolean isFinal(Refusal refusal) {
    return refusal.code() == ErrorCode.SERVICE_BUSY || refusal.code() == ErrorCode.SESSION_LIMIT;
  }

  /**
   * Answers a session's refusal once: its error, then its only result, with {@code end_of_stream}
   * and the error's code as {@code end_reason} (sequence 0, no audio, empty transcript). Queued in
   * order like {@link #reject}.
   */
  public void answerRefusal(String sessionId, Refusal refusal) {
    double now = System.currentTimeMillis() / 1000.0;
    OutputMessage.Error error =
        new OutputMessage.Error(sessionId, refusal.code(), refusal.message(), now);
    OutputMessage.Transcription last = onlyResult(sessionId, refusal.code().wireName(), now);
    queueReply(
        () -> {
          env.output().publishReply(error);
          env.output().publishReply(last);
        });
  }

  /**
   * The only result of a session that never opened: {@code end_of_stream}, sequence 0, no audio, an
   * empty transcript, {@code reason} as its {@code end_reason}.
   */
  private static OutputMessage.Transcription onlyResult(
      String sessionId, String reason, double now) {
    StreamMessage.Start settings = StreamMessage.Start.defaults();
    return OutputMessage.Transcription.endOfStream(
        new OutputMessage.Transcription.Header(
            sessionId, 0, now, settings.speakerId(), settings.state(), 0, 0),
        OutputMessage.Transcription.Heard.nothing(settings.language()),
        reason);
  }

  /**
   * Carries out what {@link UnopenedInput} decided for a message of an id with no session.
   *
   * @param answerer whether this process answers it (with replicas, one of them does)
   * @return whether the message opens a session
   */
  public boolean answer(String sessionId, UnopenedInput.Decision decision, boolean answerer) {
    if (decision.opens()) {
      return true;
    }
    if (!answerer) {
      return false; // with replicas, another replica answers (the same decision is made there)
    }
    switch (decision) {
      case OPEN, OPEN_AFTER_END -> {}
      case END_OF_STREAM ->
          queueReply(
              () ->
                  env.output()
                      .publish(onlyResult(sessionId, "end", System.currentTimeMillis() / 1000.0)));
      case NO_SESSION ->
          reject(
              sessionId,
              ErrorCode.NO_SESSION,
              "session '"
                  + sessionId
                  + "' is not open: state_change opens no session; send start or audio first");
      case ENDED ->
          reject(
              sessionId,
              ErrorCode.SESSION_ENDED,
              "session '"
                  + sessionId
                  + "' has ended (its end_of_stream result is out): this message opens nothing;"
                  + " send start to open a new session");
      case START_REJECTED ->
          reject(
              sessionId,
              ErrorCode.START_REJECTED,
              "the session's start was rejected (see the error it got): its audio is refused"
                  + " until a valid start arrives");
      case DROP_ENDED -> env.utterances().metrics().unopenedMessageDropped("ended");
      case DROP_START_REJECTED ->
          env.utterances().metrics().unopenedMessageDropped("start_rejected");
    }
    return false;
  }

  /**
   * A message that failed to decode: answered with its error; a rejected {@code start} of an id
   * with no session is remembered, so that its audio is refused until a valid one arrives.
   */
  public void rejectInvalid(String sessionId, ProtocolException failure) {
    if (failure.rejectedStart() && !sessions.containsKey(sessionId)) {
      unopened.startRejected(sessionId, System.nanoTime());
    }
    reject(sessionId, failure.code(), failure.getMessage());
  }

  /** A message of a refused session was dropped without an answer (counted on /metrics). */
  public void droppedAfterRefusal() {
    env.utterances().metrics().refusedMessageDropped();
  }

  /** Null when a new session may open now. */
  public Refusal refusal() {
    if (!accepting) {
      return new Refusal(ErrorCode.SESSION_CLOSING, "service is shutting down");
    }
    if (count.get() >= env.limits().maxSessions()) {
      return new Refusal(
          ErrorCode.SESSION_LIMIT,
          "the service already has " + env.limits().maxSessions() + " open sessions");
    }
    // The shared queue holds one utterance per session; the rest wait in their sessions.
    int waiting = env.inference().queueDepth() + env.backlog().waitingUtterances();
    int admissionDepth = env.limits().admissionQueueDepth();
    if (admissionDepth > 0 && waiting >= admissionDepth) {
      // Admission control: the workers are behind, so a new session would only slow down the
      // ones in progress. Refusing it keeps their latency (docs/decisions/0007).
      return new Refusal(
          ErrorCode.SERVICE_BUSY,
          "the service is at capacity ("
              + waiting
              + " utterances waiting for recognition); new sessions are refused until it catches"
              + " up: retry shortly or use another replica");
    }
    return null;
  }

  private void closed(SessionActor actor) {
    if (actor.ended()) {
      // Before it leaves the map, so that no late message finds the id open and unremembered.
      unopened.ended(actor.id(), System.nanoTime());
    }
    if (sessions.remove(actor.id(), actor)) {
      count.decrementAndGet();
      emptyLock.lock();
      try {
        becameEmpty.signalAll();
      } finally {
        emptyLock.unlock();
      }
    }
  }

  /**
   * Publishes an error for a message that never reached a session. Never waits: the reply is queued
   * and published in order on another thread. If NATS is so far behind that {@value #REPLY_BACKLOG}
   * replies wait, later ones are dropped, with a running count in the log (the clients could not be
   * reached anyway).
   */
  public void reject(String sessionId, ErrorCode code, String message) {
    OutputMessage.Error error =
        new OutputMessage.Error(sessionId, code, message, System.currentTimeMillis() / 1000.0);
    queueReply(() -> env.output().publishReply(error));
  }

  private void queueReply(Runnable reply) {
    if (!replies.offerControl(reply)) {
      if (repliesDropped.incrementAndGet() % 1_000 == 1) {
        log.warn(
            "{} error replies dropped: NATS is not taking output ({} waiting)",
            repliesDropped.get(),
            REPLY_BACKLOG);
      }
    }
  }

  /**
   * Waits until the error replies queued so far are handed to NATS (before a shutdown flushes it).
   *
   * @return false when they were not within the timeout
   */
  public boolean awaitRepliesSent(Duration timeout) throws InterruptedException {
    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
    replies.post(sent::countDown);
    return sent.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public int activeSessions() {
    return count.get();
  }

  /**
   * Stops opening sessions and ends every open one with {@code reason}, then waits until each has
   * published its last result or the timeout passes.
   *
   * @return true when every session closed in time
   */
  public boolean closeAll(String reason, Duration timeout) throws InterruptedException {
    endAll(reason);
    return awaitAllClosed(timeout);
  }

  /**
   * Refuses new sessions from now on ({@code session_closing}) and asks every open session to end
   * with {@code reason}; returns without waiting. Both happen under the admission lock, so once any
   * message has been refused as {@code session_closing} every open session already has its end
   * queued ahead of anything sent later: a late chunk is answered with {@code session_closing},
   * never taken as audio of a session that is about to be ended.
   *
   * @return the number of sessions asked to end
   */
  public int endAll(String reason) {
    List<SessionActor> open;
    admission.lock();
    try {
      accepting = false;
      open = List.copyOf(sessions.values());
      open.forEach(actor -> actor.requestEnd(reason));
    } finally {
      admission.unlock();
    }
    return open.size();
  }

  /**
   * Waits until every session has published its last result.
   *
   * @return true when every session closed in time
   */
  public boolean awaitAllClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    emptyLock.lock();
    try {
      // The count, not the map: a closing session leaves the map a moment before the count.
      while (count.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        becameEmpty.awaitNanos(left);
      }
      return true;
    } finally {
      emptyLock.unlock();
    }
  }
}
