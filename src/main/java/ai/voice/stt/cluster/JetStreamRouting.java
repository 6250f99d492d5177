package ai.voice.stt.cluster;

import static ai.voice.stt.transport.JetStreamErrors.NO_MESSAGE;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.session.InputOutages;
import ai.voice.stt.session.SessionActor;
import ai.voice.stt.session.SessionCheckpoint;
import ai.voice.stt.session.SessionRegistry;
import ai.voice.stt.session.UnopenedInput;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.PurgeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions shared by any number of replicas, with JetStream as the only coordinator
 * (docs/decisions/0012-replicas.md):
 *
 * <ul>
 *   <li>a stream keeps the input subjects, so a session's audio can be replayed from any point;
 *   <li>a KV bucket holds one checkpoint per session; a replica claims a session with a
 *       compare-and-set write (create for a new one, update of the last revision for a released or
 *       orphaned one) and reads the session's input from the stream with an ordered consumer;
 *   <li>a second bucket holds each replica's heartbeat, expiring after the lease TTL (with a delete
 *       marker), so the others see a crashed replica go and take over its sessions;
 *   <li>every replica also sees the input subjects, only to notice active sessions nobody holds;
 *       the least loaded replica (ties broken by a hash of session and replica) claims each;
 *   <li>a second stream keeps what was published on the output subjects, so a replica taking over
 *       from one that died can tell whether the output its last checkpoint was written for left
 *       ({@link CrashRecovery}).
 * </ul>
 */
public final class JetStreamRouting implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JetStreamRouting.class);
  private final Connection connection;
  private final SttConfig config;
  private final SessionRegistry sessions;
  private final MessageDecoder decoder;
  private final String replicaId;
  private final JetStreamManagement jsm;
  private final RoutingStore store;
  private final KeyValue sessionBucket;
  private final KeyValue replicaBucket;
  private final StreamContext stream;
  private final DeadOwnerRecord deadOwners;
  private volatile ClusterView view;
  private final Refusals refusals;
  private final Dispatcher triggers;
  private final ScheduledExecutorService ticker;
  private final ExecutorService claimers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("claim-", 0).factory());
  private final ConcurrentMap<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final Set<String> claiming = ConcurrentHashMap.newKeySet();
  private final RoutingCounts counts = new RoutingCounts();
  // Messages of ids no replica holds that open nothing (docs/protocol.md, "Session ids without a
  // session"): every replica keeps the same records, one answers.
  private final UnopenedInput unopened;
  // Ids whose new session begins at its start, not at audio stored before it (a start after the
  // session ended: late audio of the old one may still be in the stream), with when decided.
  private final ConcurrentMap<String, Long> startOnly = new ConcurrentHashMap<>();
  // Answers to messages that open nothing, each after a look at the stream (one direct get):
  // bounded, so a flood of made-up ids costs a bounded queue, and answers beyond it are dropped.
  private final java.util.concurrent.ThreadPoolExecutor answers =
      new java.util.concurrent.ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new java.util.concurrent.ArrayBlockingQueue<>(ANSWERS_WAITING),
          Thread.ofVirtual().name("unopened-answers").factory(),
          new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());
  private static final int ANSWERS_WAITING = 10_000;
  // Messages a claim reads past at most looking for the one that opens the session; beyond it the
  // ones read are dropped from the stream (none of them ever opens or reaches a session).
  private static final int OPENING_SCAN = 256;
  // A session nobody took within this long is taken by whoever sees it, loaded or not. Claims land
  // in milliseconds; the grace only matters when the chosen replica is stalled but alive (a gone
  // one leaves the placement as its heartbeat expires), so it is one lease TTL: a replica busy
  // warming up its JIT on a shared node once took over a second, and the others' early claims
  // skewed the spread (5/4/3 for 12 sessions).
  private final long claimGraceNanos;
  // A session's decision stands for one grace; still unclaimed then (replicas that decided on
  // different views each wait for another), it is decided again by the loads every replica has
  // seen settle, and only after a second grace may anyone take it. An unclaimed decision counts as
  // load on its replica for three graces, so every replica still counts it while the chosen one may
  // claim, however late each replica read the session's first message; it is dropped the moment
  // the view shows the claim.
  private final Placement placement;
  private final ReplicaLiveness liveness;
  // How long before its leader-elected advisory the input stream may have had no leader.
  private static final double LEADERLESS_SECONDS = 10;
  private final InputOutages inputOutages;
  // A replica taking a session from one that stopped answering waits at most this long for the
  // last output it committed to show in the results stream before producing it again.
  private static final Duration LATE_OUTPUT_WAIT = Duration.ofSeconds(30);
  private final OutputQuestions outputQuestions;
  private final SessionInputs inputs;
  // Sessions recorded as this replica's that it does not hold, with when first seen so (a safety
  // net: a record left behind must not strand its session while this replica lives).
  private final ConcurrentMap<String, Long> strandedSince = new ConcurrentHashMap<>();
  private volatile boolean draining;
  private volatile boolean closed;

  /** Whether the server (and this account) has JetStream. */
  public static boolean available(Connection connection) {
    try {
      connection.jetStreamManagement().getAccountStatistics();
      return true;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Sets up the stream and buckets when missing, joins the replicas and starts taking sessions.
   *
   * @param replicaId this process's id among the replicas (unique per process)
   * @param inputOutages where this replica records when the input may have stored nothing
   */
  public static JetStreamRouting start(
      Connection connection,
      SttConfig config,
      SessionRegistry sessions,
      MessageDecoder decoder,
      String replicaId,
      InputOutages inputOutages)
      throws IOException {
    try {
      return new JetStreamRouting(connection, config, sessions, decoder, replicaId, inputOutages);
    } catch (JetStreamApiException e) {
      throw new IOException("JetStream set-up failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while joining the replicas", e);
    }
  }

  private JetStreamRouting(
      Connection connection,
      SttConfig config,
      SessionRegistry sessions,
      MessageDecoder decoder,
      String replicaId,
      InputOutages inputOutages)
      throws IOException, JetStreamApiException, InterruptedException {
    this.inputOutages = inputOutages;
    this.connection = connection;
    this.config = config;
    this.sessions = sessions;
    this.decoder = decoder;
    SttConfig.Routing routing = config.routing();
    this.claimGraceNanos = routing.leaseTtl().toNanos();
    this.placement = new Placement(claimGraceNanos, 3 * claimGraceNanos);
    this.liveness = new ReplicaLiveness(claimGraceNanos);
    this.replicaId = replicaId;
    this.jsm = connection.jetStreamManagement();
    this.store = RoutingStore.ensure(connection, config);
    this.sessionBucket = store.sessions();
    this.replicaBucket = store.replicas();
    this.triggers = connection.createDispatcher(this::onTrigger);
    this.outputQuestions = new OutputQuestions(connection, routing.stream(), replicaId, triggers);
    this.deadOwners =
        new DeadOwnerRecord(
            jsm,
            sessionBucket,
            store.results().orElse(null),
            config.nats(),
            LATE_OUTPUT_WAIT,
            outputQuestions);
    this.stream = connection.getStreamContext(routing.stream());
    this.unopened =
        new UnopenedInput(
            config.limits().sessionIdleTimeout(),
            config.limits().endedSessionMemory(),
            ANSWERS_WAITING);
    this.view =
        ClusterView.watch(sessionBucket, replicaBucket, routing.leaseTtl(), null, this::ended);
    this.refusals =
        new Refusals(sessionBucket, jsm, stream, config, sessions, decoder, () -> view, replicaId);
    heartbeat();
    this.inputs =
        new SessionInputs(
            stream,
            connection.createDispatcher(),
            config.nats(),
            decoder,
            sessions,
            inputOutages,
            claimers,
            claimGraceNanos,
            () -> closed);
    this.ticker =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("replica-heartbeat").daemon().factory());
    long tick = Math.max(200, routing.leaseTtl().toMillis() / 3);
    ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    // Not a queue group: NATS prefers queue members on the publisher's server, which would skew
    // who hears of new sessions. Every replica sees each message and the choice is by load.
    triggers.subscribe(config.nats().inputSubscription());
    // The input stream stores nothing while it has no leader: each election is an input outage.
    triggers.subscribe(
        "$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED." + routing.stream(),
        advisory -> {
          double now = System.currentTimeMillis() / 1000.0;
          inputOutages.record(now - LEADERLESS_SECONDS, now);
          log.info("input stream {}: a new leader was elected", routing.stream());
        });
    connection.addConnectionListener(
        (conn, event) -> {
          if (event == ConnectionListener.Events.RESUBSCRIBED && !closed) {
            claimers.execute(this::afterReconnect);
          }
        });
    log.info(
        "replica {}: sessions shared through JetStream (stream {}, buckets {} and {}-replicas,"
            + " lease {} s); {} replicas alive",
        replicaId,
        routing.stream(),
        routing.bucket(),
        routing.bucket(),
        routing.leaseTtl().toMillis() / 1000.0,
        view.loads().perReplica().size());
  }

  public String replicaId() {
    return replicaId;
  }

  // -------------------------------------------------------------- claiming

  /**
   * On the trigger dispatcher: decides without waiting; a claim runs on its own thread. A refused
   * session's messages are dropped here, except a {@code start}: a new attempt, decided afresh.
   */
  private void onTrigger(Message message) {
    String subject = message.getSubject();
    String id = config.nats().sessionIdOf(subject);
    if (inputs.heard(id)) {
      return; // held here: its consumer delivers it
    }
    Optional<ClusterView.Refused> refused = refusals.current(id);
    if (refused.isPresent()) {
      boolean restartWasPending = refusals.restartPending(id);
      if (!refusals.heard(id, refused.get(), message.getData())) {
        return;
      }
      if (!restartWasPending) {
        firstSeen.remove(id); // the new attempt's placement starts now
      }
    } else if (!sessions.holds(id)
        && !claiming.contains(id)
        && view.session(id).isEmpty()
        && !awaitingClaim(id)
        && !opens(id, message.getData())) {
      return; // answered by one replica, or dropped: no claim, no consumer, no placement
    }
    consider(id, true);
  }

  /**
   * A message of an id no replica holds: whether it opens a session. One that does not (an {@code
   * end}, a {@code state_change}, a message that does not decode, audio after a rejected start or
   * after the session ended) is answered by one replica, chosen by id alone; every replica keeps
   * the same records of rejected starts and ended sessions, since each hears every message in
   * order.
   */
  private boolean opens(String id, byte[] data) {
    long now = System.nanoTime();
    byte[] payload = data == null ? new byte[0] : data;
    StreamMessage message;
    try {
      message = decoder.decode(payload, id);
    } catch (ProtocolException e) {
      if (e.rejectedStart()) {
        unopened.startRejected(id, now);
      }
      answerIfCurrent(id, () -> sessions.reject(id, e.code(), e.getMessage()));
      return false;
    }
    UnopenedInput.Decision decision = unopened.decide(id, message, now);
    if (decision == UnopenedInput.Decision.OPEN_AFTER_END) {
      startOnly.put(id, now);
    }
    if (decision.opens()) {
      return true;
    }
    answerIfCurrent(id, () -> sessions.answer(id, decision, true));
    return false;
  }

  /**
   * Answers a message that opened nothing, on this replica only if it is the answerer, and only if
   * the message is still in the input stream: a replica that lagged behind (stalled, or just busy)
   * may hear a message only after the session it belonged to has read and dropped it, and must not
   * answer it again.
   */
  private void answerIfCurrent(String id, Runnable answer) {
    List<String> replicas = new java.util.ArrayList<>(view.takingReplicas());
    if (!draining && !replicas.contains(replicaId)) {
      replicas.add(replicaId);
    }
    if (!replicaId.equals(Placement.answerer(id, replicas))) {
      return;
    }
    answers.execute(
        () -> {
          try {
            if (hasInput(id)) {
              answer.run();
            }
          } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.debug(
                "session {}: no answer to a message that opened nothing: {}", id, e.toString());
          }
        });
  }

  /**
   * Whether the session's start or audio was heard and its claim has not shown in the view yet: its
   * messages are the session's (an {@code end} right behind a fast client's audio must not be
   * answered as one with no session).
   */
  private boolean awaitingClaim(String id) {
    return firstSeen.containsKey(id) && !view.everClaimed(id);
  }

  /**
   * A session's key was deleted: it ended; its late messages open nothing for a while, and it no
   * longer counts as placed anywhere.
   */
  private void ended(String id) {
    unopened.ended(id, System.nanoTime());
    placement.ended(id);
  }

  /**
   * Whether this replica takes the session, decided without waiting (a claim runs on its own
   * thread). Called for each of its input messages, and by the heartbeat tick for a session seen
   * but not claimed after one grace: its client may have sent everything by then, and a session
   * nobody takes must not wait for a message that never comes.
   *
   * @param message whether a message of the session prompted it (only then is a refusal answered)
   */
  private void consider(String id, boolean message) {
    if (draining || sessions.holds(id) || claiming.contains(id)) {
      return;
    }
    if (refusals.current(id).isPresent() && !refusals.restartPending(id)) {
      return; // refused, and no start since: nobody takes it (its audio is never transcribed)
    }
    Optional<ClusterView.Owned> owned = view.session(id);
    if (owned.isPresent()
        && (view.ownedByLiveReplica(owned.get())
            || owned.get().checkpoint().owner().equals(replicaId))) {
      long now = System.nanoTime();
      if (view.claimedSince(id, now - claimGraceNanos)) {
        // Claimed before this replica got to it: counted as placed there, as the replicas that
        // decided it count it, until the claim has settled in every view.
        placement.placed(id, owned.get().checkpoint().owner(), now);
      }
      return; // this replica's own record counts even when its heartbeat lags in the view
    }
    if (owned.isPresent() && !owned.get().checkpoint().released() && !heartbeatCurrent()) {
      return; // its owner looks gone, but this replica was itself away: it cannot tell yet
    }
    long now = System.nanoTime();
    long unclaimedNanos = now - firstSeen.computeIfAbsent(id, k -> now);
    boolean overdue = unclaimedNanos > 2 * claimGraceNanos;
    ClusterView.Loads loads = currentLoads();
    boolean chosen =
        replicaId.equals(owned.isPresent() ? chooseOrphan(id, loads) : chooseFor(id, loads));
    if (!chosen && !overdue) {
      return; // the chosen replica takes it; if nobody does within two graces, anyone may
    }
    SessionRegistry.Refusal refusal = sessions.refusal();
    if (refusal != null && (owned.isEmpty() || refusal.code() != ErrorCode.SERVICE_BUSY)) {
      // A new session is refused by the chosen replica alone (one answer, not one per replica);
      // a session in progress is never refused for load, only when this replica is full.
      if (chosen && owned.isEmpty() && message) {
        if (SessionRegistry.isFinal(refusal)) {
          refuse(id, refusal);
        } else {
          sessions.reject(id, refusal.code(), refusal.message());
        }
      }
      return;
    }
    String why =
        chosen
            ? "placed here by loads "
                + loads.perReplica()
                + " + "
                + placement.pending()
                + " decided, unclaimed"
                + (unclaimedNanos > claimGraceNanos
                    ? " (decided again after " + unclaimedNanos / 1_000_000 + " ms unclaimed)"
                    : "")
            : "unclaimed for " + unclaimedNanos / 1_000_000 + " ms";
    claim(id, owned, why);
  }

  /**
   * The replica the placement picks among the live ones (this one counted even if not yet seen).
   */
  private String chooseFor(String sessionId, ClusterView.Loads loads) {
    return placement.choose(
        sessionId, loads.perReplica(), loads.claimed()::contains, System.nanoTime());
  }

  /**
   * The replica for a session whose owner is gone (or released it): decided together with every
   * other such session ({@link Placement#chooseTogether}).
   */
  private String chooseOrphan(String sessionId, ClusterView.Loads loads) {
    return placement.chooseTogether(
        sessionId,
        view.orphans(),
        loads.perReplica(),
        loads.claimed()::contains,
        System.nanoTime());
  }

  private ClusterView.Loads currentLoads() {
    ClusterView.Loads loads = view.loadsSettled(System.nanoTime() - claimGraceNanos);
    if (!draining) {
      loads.perReplica().putIfAbsent(replicaId, sessions.activeSessions());
    }
    return loads;
  }

  /** Records and answers a final refusal on a claimer thread (it waits on JetStream). */
  private void refuse(String id, SessionRegistry.Refusal refusal) {
    if (!claiming.add(id)) {
      return;
    }
    claimers.execute(
        () -> {
          try {
            refusals.refuse(id, refusal);
            firstSeen.remove(id);
          } finally {
            claiming.remove(id);
          }
        });
  }

  private void claim(String id, Optional<ClusterView.Owned> owned, String why) {
    if (!claiming.add(id)) {
      return;
    }
    if (sessions.holds(id)) {
      // Adopted by a claim that ended between the caller's look and this one's start (a claim
      // adopts before it lets go of `claiming`): taking it again would release it under the actor.
      claiming.remove(id);
      return;
    }
    claimers.execute(
        () -> {
          try {
            doClaim(id, owned, why);
          } finally {
            claiming.remove(id);
          }
        });
  }

  private void doClaim(String id, Optional<ClusterView.Owned> owned, String why) {
    String key = SessionKeys.key(id);
    SessionCheckpoint from;
    long revision;
    CrashRecovery.Last last = CrashRecovery.Last.DELIVERED;
    Optional<ClusterView.Refused> refused = refusals.current(id);
    try {
      if (refused.isPresent()) {
        Optional<Refusals.Reopened> reopened = refusals.reopen(id, refused.get());
        if (reopened.isEmpty()) {
          return;
        }
        from = reopened.get().from();
        revision = reopened.get().revision();
        why = why + "; a new attempt after its refusal, from stream sequence " + from.resumeSeq();
      } else if (owned.isEmpty()) {
        OptionalLong opening = firstOpening(id, startOnly.containsKey(id));
        if (opening.isEmpty()) {
          // Messages of a session that has ended since (its input is purged when it ends), heard
          // here only after its owner had read them (this replica lagged, or was stopped): there
          // is nothing to take. Opening it would leave a session with no input that ends a second
          // time. A message not stored yet is taken on the next one, or by the heartbeat tick.
          log.debug("session {}: no unread input that opens it in the stream; not claimed", id);
          return;
        }
        // Read from its opening message: what came before opens nothing and was answered as such.
        from =
            SessionCheckpoint.freshAt(replicaId, opening.getAsLong(), System.currentTimeMillis());
        revision = sessionBucket.create(key, CheckpointCodec.encode(from));
      } else {
        CrashRecovery.Resume resume = deadOwners.resumePoint(id, owned.get());
        last = resume.last();
        from = resume.from().withOwner(replicaId);
        revision = sessionBucket.update(key, CheckpointCodec.encode(from), owned.get().revision());
      }
    } catch (JetStreamApiException e) {
      log.debug("session {}: claimed by another replica first ({})", id, e.getMessage());
      return;
    } catch (IOException e) {
      log.warn("session {}: claim failed: {}", id, e.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    firstSeen.remove(id);
    startOnly.remove(id);
    KvClaim claim =
        new KvClaim(
            sessionBucket,
            id,
            replicaId,
            revision,
            from.outputs(),
            liveness,
            config.routing().audioRetention().dividedBy(4),
            () -> closed,
            () -> connection.getStatus() == Connection.Status.CONNECTED,
            deadOwners::delivered,
            outputQuestions.inFlight(),
            finishing);
    SessionActor actor = sessions.adopt(id, from, claim, owned.isPresent());
    if (actor == null) {
      if (!sessions.holds(id)) {
        claim.release(from); // full after all: give it back at once
      }
      return;
    }
    counts.claimed(
        refused.isPresent()
            ? RoutingCounts.Claim.AFTER_REFUSAL
            : owned.isEmpty()
                ? RoutingCounts.Claim.NEW
                : owned.get().checkpoint().owner().isEmpty()
                    ? RoutingCounts.Claim.HAND_OVER
                    : RoutingCounts.Claim.TAKEOVER);
    if (owned.isEmpty()) {
      log.info("session {}: claimed, {} (replica loads {})", id, why, view.loads().perReplica());
    }
    owned.ifPresent(
        o ->
            log.info(
                "session {}: taken over from {} at sequence {}, replaying from stream sequence {}",
                id,
                o.checkpoint().owner().isEmpty() ? "a released hand-over" : o.checkpoint().owner(),
                from.sequence(),
                from.resumeSeq()));
    reportCrashLoss(id, owned, from, last);
    try {
      warnIfAudioExpired(id, from);
      inputs.open(id, from.resumeSeq(), actor);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      log.error("session {}: cannot read its input from the stream: {}", id, e.toString());
      actor.requestHandOver();
    }
  }

  /**
   * After a reconnection (a restarted server, another node of the cluster): the cluster view and
   * every held session's input are read afresh, each from where it stood, since the watchers and
   * ordered consumers of a server that restarted may be gone with it.
   */
  private void afterReconnect() {
    log.info("replica {}: reconnected; watching the buckets and reading inputs afresh", replicaId);
    while (!closed) {
      try {
        ClusterView old = view;
        view =
            ClusterView.watch(
                sessionBucket, replicaBucket, config.routing().leaseTtl(), old, this::ended);
        old.close();
        break;
      } catch (IOException e) {
        log.warn("replica {}: cannot watch the buckets yet: {}", replicaId, e.getMessage());
        pause(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    inputs.restartAll();
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** After a takeover from a replica that died: what became of its last output. */
  private void reportCrashLoss(
      String id,
      Optional<ClusterView.Owned> owned,
      SessionCheckpoint from,
      CrashRecovery.Last last) {
    switch (last) {
      case DELIVERED -> {}
      case REPLAYED ->
          log.warn(
              "session {}: output {} was committed by {} but never published; its audio is replayed"
                  + " from stream sequence {} and it is produced again",
              id,
              from.outputs() + 1,
              owned.map(o -> o.checkpoint().owner()).orElse("?"),
              from.resumeSeq());
      case LOST ->
          sessions.reject(
              id,
              ErrorCode.AUDIO_LOST,
              String.format(
                  java.util.Locale.ROOT,
                  "a result covering audio before %.2f s was lost when the replica holding the"
                      + " session stopped; transcription continues with later audio",
                  from.covered() / (double) AudioNormalizer.TARGET_RATE));
    }
  }

  /** Whether the input stream holds a message of the session (one not read by a session). */
  private boolean hasInput(String id) throws IOException, JetStreamApiException {
    try {
      jsm.getFirstMessage(config.routing().stream(), config.nats().inputSubject(id));
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The stream sequence of the message that opens a new session of {@code id}, as {@link
   * UnopenedInput} decided on the trigger: the first valid {@code start}, or the first valid chunk
   * not after a rejected start ({@code startOnly}: a start only); empty when none is stored.
   */
  private OptionalLong firstOpening(String id, boolean startOnly)
      throws IOException, JetStreamApiException {
    String stream = config.routing().stream();
    String subject = config.nats().inputSubject(id);
    boolean afterRejectedStart = false;
    long read = 0;
    MessageInfo m;
    try {
      m = jsm.getFirstMessage(stream, subject);
      for (int i = 0; i < OPENING_SCAN; i++) {
        read = m.getSeq();
        byte[] data = m.getData() == null ? new byte[0] : m.getData();
        try {
          StreamMessage message = decoder.decode(data, id);
          if (message instanceof StreamMessage.Start
              || (message instanceof StreamMessage.Chunk && !startOnly && !afterRejectedStart)) {
            return OptionalLong.of(m.getSeq());
          }
        } catch (ProtocolException e) {
          afterRejectedStart |= e.rejectedStart();
        }
        m = jsm.getNextMessage(stream, m.getSeq() + 1, subject);
      }
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return OptionalLong.empty();
      }
      throw e;
    }
    // As many messages that open nothing: dropped, so the next look starts past them.
    jsm.purgeStream(stream, PurgeOptions.builder().subject(subject).sequence(read + 1).build());
    return OptionalLong.empty();
  }

  /** Audio older than the stream keeps cannot be replayed: the client hears which. */
  private void warnIfAudioExpired(String id, SessionCheckpoint from)
      throws IOException, JetStreamApiException {
    if (from.resumeSeq() <= 0) {
      return;
    }
    long first = jsm.getStreamInfo(config.routing().stream()).getStreamState().getFirstSequence();
    if (first > from.resumeSeq()) {
      sessions.reject(
          id,
          ErrorCode.AUDIO_LOST,
          String.format(
              java.util.Locale.ROOT,
              "audio after %.2f s was lost while the session moved between replicas (older than"
                  + " the %d s the stream keeps); transcription continues with later audio",
              from.covered() / (double) AudioNormalizer.TARGET_RATE,
              config.routing().audioRetention().toSeconds()));
    }
  }

  /** What a claim of this replica does when its session leaves it. */
  private final KvClaim.Finish finishing =
      new KvClaim.Finish() {
        @Override
        public void readThrough(String id, long lastSeq) {
          if (lastSeq <= 0) {
            return;
          }
          try {
            jsm.purgeStream(
                config.routing().stream(),
                PurgeOptions.builder()
                    .subject(config.nats().inputSubject(id))
                    .sequence(lastSeq + 1)
                    .build());
          } catch (IOException | JetStreamApiException e) {
            log.debug("session {}: purge of its input failed: {}", id, e.getMessage());
          }
        }

        @Override
        public void finished(String id, boolean ended) {
          inputs.close(id);
          if (ended && store.results().isPresent()) {
            try {
              // Its outputs are not needed once it ended, and a later session of the same id
              // starts its numbering anew.
              jsm.purgeStream(
                  store.results().get(),
                  PurgeOptions.builder().subject(config.nats().outputSubject(id)).build());
            } catch (IOException | JetStreamApiException e) {
              log.debug("session {}: purge of its outputs failed: {}", id, e.getMessage());
            }
          }
        }
      };

  // ----------------------------------------------------------- heartbeat

  private void tick() {
    try {
      heartbeat();
      adoptOrphans();
      takeStranded();
      takeUnclaimed();
      inputs.supervise();
      // Off the heartbeat thread: forgetting a refusal waits on JetStream.
      claimers.execute(() -> refusals.expire(System.nanoTime()));
      long stale = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
      firstSeen.values().removeIf(t -> t < stale);
      startOnly.values().removeIf(t -> t < stale);
      view.forgetEndedBefore(System.nanoTime() - TimeUnit.MINUTES.toNanos(10));
    } catch (RuntimeException e) {
      log.warn("replica heartbeat: {}", e.toString());
    }
  }

  private void heartbeat() {
    byte[] value =
        CheckpointCodec.encode(
            new CheckpointCodec.Heartbeat(replicaId, sessions.activeSessions(), draining));
    try {
      long began = System.nanoTime();
      replicaBucket.put(replicaId, value);
      long epoch = liveness.epoch();
      liveness.beat(began, System.nanoTime());
      if (epoch > 0 && liveness.epoch() != epoch) {
        view.heardAllAgain(); // back from a lapse: the others' last heartbeats are stale here
      }
    } catch (IOException | JetStreamApiException e) {
      log.warn("replica {}: heartbeat not written: {}", replicaId, e.getMessage());
    }
  }

  /**
   * Sessions whose owner is gone (crashed, or released at shutdown) are taken without waiting for
   * their client's next message, by the least loaded replicas first.
   */
  private void adoptOrphans() {
    if (draining) {
      return;
    }
    boolean steady = heartbeatCurrent();
    view.orphans().stream()
        .filter(id -> steady || view.session(id).map(o -> o.checkpoint().released()).orElse(false))
        .filter(id -> !sessions.holds(id) && replicaId.equals(chooseOrphan(id, currentLoads())))
        .findFirst()
        .ifPresent(id -> claim(id, view.session(id), "orphaned"));
  }

  /**
   * Whether this replica's own heartbeat holds now. One whose heartbeat lapsed (a stall of its own,
   * a NATS outage) sees every other replica's last heartbeat as old until it has heard them again:
   * taking their sessions then moved a session back to the replica that had just stalled. So it
   * judges no owner gone until its own heartbeat is current, and once it is, it gives every other
   * replica a fresh lease TTL to be heard from ({@link #heartbeat}).
   */
  private boolean heartbeatCurrent() {
    return liveness.heldSince(liveness.epoch(), System.nanoTime());
  }

  /**
   * Sessions the bucket records as this replica's that it does not hold, for two ticks running:
   * taken back (resumed from their record) rather than left to a replica that counts as alive and
   * so would never be replaced.
   */
  private void takeStranded() {
    if (draining) {
      strandedSince.clear();
      return;
    }
    long now = System.nanoTime();
    Set<String> stranded = new java.util.HashSet<>();
    for (String id : view.ownedBy(replicaId)) {
      if (!sessions.holds(id) && !claiming.contains(id)) {
        stranded.add(id);
        long since = strandedSince.computeIfAbsent(id, k -> now);
        if (now - since > claimGraceNanos / 2) {
          claim(id, view.session(id), "recorded as this replica's but not held here");
        }
      }
    }
    strandedSince.keySet().retainAll(stranded);
  }

  /**
   * Sessions heard of more than a grace ago that nobody has claimed (replicas that decided on
   * different views each left them to another): decided again now that the loads have settled. One
   * claimed once is left alone even if it has ended since.
   */
  private void takeUnclaimed() {
    long before = System.nanoTime() - claimGraceNanos;
    for (Map.Entry<String, Long> e : List.copyOf(firstSeen.entrySet())) {
      if (view.everClaimed(e.getKey())) {
        firstSeen.remove(e.getKey());
      } else if (e.getValue() < before) {
        consider(e.getKey(), false);
      }
    }
  }

  // ------------------------------------------------------------ shutdown

  /**
   * Stops taking sessions and hands every held one to the other replicas (each after its
   * recognition in flight is published).
   *
   * @return the sessions handed over
   */
  public int handOver() {
    draining = true;
    heartbeat();
    try {
      triggers.unsubscribe(config.nats().inputSubscription());
    } catch (RuntimeException e) {
      // the connection may be gone; nothing more arrives then either
    }
    int handed = sessions.handOverAll(id -> finishing.finished(id, false));
    counts.handedOver(handed);
    return handed;
  }

  /** Claims and hand-overs so far, for {@code /metrics}. */
  public RoutingCounts counts() {
    return counts;
  }

  /** Every live replica and the sessions it owns. */
  public Map<String, List<String>> assignments() {
    return view == null ? Collections.emptyMap() : view.assignments();
  }

  public boolean draining() {
    return draining;
  }

  @Override
  public void close() {
    draining = true;
    closed = true;
    ticker.shutdownNow();
    claimers.shutdown();
    answers.shutdownNow();
    inputs.closeAll();
    view.close();
    try {
      replicaBucket.delete(replicaId);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      log.debug("replica {}: heartbeat not deleted: {}", replicaId, e.getMessage());
    }
  }
}
