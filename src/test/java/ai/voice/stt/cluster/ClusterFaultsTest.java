package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.support.NatsCluster;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.Signals;
import ai.voice.stt.transport.NatsPublisher;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of a 3-node NATS cluster and of a replica under live sessions, all real processes (two
 * {@code stt serve} replicas, each connected to a node of its own): whatever fails, every session
 * goes on or ends loudly, each result once, one {@code end_of_stream}, and the speech after the
 * fault transcribed.
 */
class ClusterFaultsTest {
  private static final long FAULT_AT_MS = 6_000;
  private static final String SESSION_BUCKET_STREAM = "KV_voice-stt-sessions";
  private static NatsCluster nats;
  private static Connection connection;
  private static StreamClient client;
  private static final List<ServiceProcess> replicas = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    nats = NatsCluster.start(3);
    connection = ReplicatedRun.clientOf(nats.urls());
    client = new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
    // Each replica knows one node at first (it learns the others from it), so the test knows
    // which node a replica is connected to.
    replicas.add(replica("r0", nats.node(0)));
    replicas.add(replica("r1", nats.node(1)));
  }

  @AfterAll
  static void stop() throws Exception {
    replicas.forEach(ServiceProcess::close);
    if (connection != null) {
      connection.close();
    }
    if (nats != null) {
      nats.close();
    }
  }

  @AfterEach
  void everyNodeBack() throws Exception {
    for (int i = 0; i < nats.size(); i++) {
      if (!nats.node(i).isAlive()) {
        nats.node(i).restart();
      }
    }
    nats.awaitHealthy();
  }

  private static ServiceProcess replica(String name, NatsProcess node) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("STT_ROUTING", "jetstream");
    env.put("STT_REPLICA_ID", name);
    env.put("STT_INFERENCE_WORKERS", "1");
    env.put("STT_ELASTIC_THREADS", "false");
    ServiceProcess p = ServiceProcess.servingOn(node, env);
    p.awaitReady(Duration.ofSeconds(120));
    return p;
  }

  @Test
  void killingTheNodeAReplicaIsConnectedToLosesNoSession() throws Exception {
    killAndRestart("kill-client-node", 0);
  }

  @Test
  void killingTheJetStreamMetaLeaderLosesNoSession() throws Exception {
    killAndRestart("kill-meta-leader", -1);
  }

  @Test
  void killingTheLeaderOfTheSessionBucketLosesNoSession() throws Exception {
    killAndRestart("kill-kv-leader", -2);
  }

  @Test
  void aNodeStoppedForFiveSecondsLosesNoSession() throws Exception {
    List<ReplicatedRun.Case> cases = ReplicatedRun.streams("stop-node", 4, 12);
    int victim = streamLeader("VOICE_STT_AUDIO");
    List<ReplicatedRun.Outcome> outs =
        runAvoiding(
            victim,
            cases,
            () -> {
              ReplicatedRun.sleep(FAULT_AT_MS);
              Signals.stall(nats.node(victim).process(), 5_000);
            });
    outs.forEach(o -> o.assertContinuedThroughTheFault(12, log()));
  }

  /**
   * A replica stalled past its heartbeat's TTL (a long GC pause, a frozen pod): its sessions move
   * to the other replica once, and when it runs again it publishes nothing more for them, not an
   * interim, a result or an error; nothing is published twice.
   */
  @Test
  void aReplicaStalledPastItsTtlHandsItsSessionsOverOnceAndThenSaysNothing() throws Exception {
    ServiceProcess stalled = replicas.get(0);
    String stalledId = ReplicasTest.replicaIdOf(stalled);
    OwnershipLog owners = new OwnershipLog();
    List<Published> published = new CopyOnWriteArrayList<>();
    Dispatcher outputs =
        connection.createDispatcher(
            m ->
                published.add(
                    new Published(
                        m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1),
                        m.getHeaders() == null
                            ? "?"
                            : m.getHeaders().getFirst(NatsPublisher.REPLICA_HEADER),
                        System.nanoTime())));
    outputs.subscribe("ai.voice.transcription.>");
    NatsKeyValueWatchSubscription watch =
        connection.keyValue("voice-stt-sessions").watchAll(owners);
    long[] stoppedAt = new long[1];
    List<ReplicatedRun.Case> cases = ReplicatedRun.streams("stall", 4, 13);
    List<ReplicatedRun.Outcome> outs;
    try {
      outs =
          ReplicatedRun.runAll(
              client,
              cases,
              StreamOptions.realTime().withInterimResults(true),
              () -> {
                ReplicatedRun.sleep(FAULT_AT_MS);
                stoppedAt[0] = System.nanoTime();
                Signals.stall(stalled.process(), 5_000);
              });
    } finally {
      watch.unsubscribe();
      connection.closeDispatcher(outputs);
    }
    outs.forEach(o -> o.assertContinuedThroughTheFault(13, stalled.output()));
    // The sessions the stalled replica held, and when another replica wrote each one's key.
    List<String> held = owners.heldBy(stalledId, stoppedAt[0]);
    Map<String, Long> movedAt = owners.movedFrom(stalledId, stoppedAt[0]);
    assertFalse(held.isEmpty(), "the stalled replica held sessions");
    for (String id : held) {
      List<String> after = owners.ownersAfter(id, stoppedAt[0]);
      assertTrue(movedAt.containsKey(id), id + " moved to another replica: " + after);
      assertEquals(
          1, after.size(), id + " moved once and never back: owners after the stall " + after);
      List<Published> late =
          published.stream()
              .filter(p -> p.session().equals(id) && p.replica().equals(stalledId))
              .filter(p -> p.nanos() > movedAt.get(id))
              .toList();
      assertTrue(late.isEmpty(), id + ": the stalled replica spoke after the move: " + late);
      System.out.printf(
          "%s: moved %d ms after the stall began%n",
          id, (movedAt.get(id) - stoppedAt[0]) / 1_000_000);
    }
    assertTrue(
        stalled.output().stream().anyMatch(l -> l.contains("no longer held by this replica")),
        "the stalled replica noticed and stopped its sessions");
  }

  record Published(String session, String replica, long nanos) {}

  /**
   * Kills a node 6 s into four sessions and starts it again 5 s later.
   *
   * @param which a node index, -1 for the JetStream metadata leader, -2 for the leader of the
   *     session bucket's stream (chosen at the moment of the fault)
   */
  private void killAndRestart(String prefix, int which) throws Exception {
    List<ReplicatedRun.Case> cases = ReplicatedRun.streams(prefix, 4, 12);
    int victim =
        switch (which) {
          case -1 -> nats.metaLeader();
          case -2 -> streamLeader(SESSION_BUCKET_STREAM);
          default -> which;
        };
    List<ReplicatedRun.Outcome> outs =
        runAvoiding(
            victim,
            cases,
            () -> {
              ReplicatedRun.sleep(FAULT_AT_MS);
              try {
                nats.node(victim).kill();
                ReplicatedRun.sleep(5_000);
                nats.node(victim).restart();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    System.out.println(prefix + ": killed " + nats.serverName(victim));
    outs.forEach(o -> o.assertContinuedThroughTheFault(12, log()));
  }

  /**
   * Streams the cases from a client connected to a node other than {@code victim}: core NATS
   * delivers a message only to the subscriptions present when it arrives, so a client on the node
   * that dies misses the results published while it reconnects whatever the service does (they are
   * in the results stream; docs/operations.md). The test is about the service.
   */
  private static List<ReplicatedRun.Outcome> runAvoiding(
      int victim, List<ReplicatedRun.Case> cases, Runnable fault) throws Exception {
    Connection own = ReplicatedRun.clientOf(nats.node((victim + 1) % nats.size()).url());
    try {
      StreamClient safe = new StreamClient(own, "ai.voice.stream", "ai.voice.transcription");
      return ReplicatedRun.runAll(safe, cases, StreamOptions.realTime(), fault);
    } finally {
      own.close();
    }
  }

  private static int streamLeader(String stream) {
    try {
      return nats.indexOf(
          connection.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getLeader());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> log() {
    return replicas.stream().flatMap(r -> r.output().stream()).toList();
  }
}
