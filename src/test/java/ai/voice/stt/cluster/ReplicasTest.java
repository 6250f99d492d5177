package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.MetricsText;
import ai.voice.stt.support.NatsCluster;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import ai.voice.stt.support.ServiceProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several replicas of {@code stt serve} on a 3-node JetStream cluster, all real processes: each
 * session is transcribed by exactly one replica at a time, and sessions survive a replica's crash
 * and a rolling restart with their sequence, timeline, speaker and state.
 */
class ReplicasTest {
  private static final Pattern CLAIM = Pattern.compile("session (\\S+): claimed");
  private static final double MAX_WER = 0.35;
  private static NatsCluster nats;
  private static Connection connection;
  private static StreamClient client;
  private static final List<ServiceProcess> replicas = new ArrayList<>();
  private static final Map<ServiceProcess, Integer> healthPorts = new HashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    nats = NatsCluster.start(3);
    connection = nats.connect();
    client = new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
    for (int i = 0; i < 3; i++) {
      replicas.add(replica("r" + i));
    }
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

  private static ServiceProcess replica(String name) throws Exception {
    return replica(name, List.of());
  }

  private static ServiceProcess replica(String name, List<String> jvmOptions) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("NATS_URL", nats.urls());
    env.put("STT_ROUTING", "jetstream");
    env.put("STT_REPLICA_ID", name);
    env.put("STT_LOG_FORMAT", "text");
    env.put("OTEL_ENABLED", "false");
    env.put("STT_INFERENCE_WORKERS", "1");
    // Three or four replicas share this machine's cores; in a cluster each pod has its own. A
    // replica lending "idle" cores to its one call would take the other replicas' cores.
    env.put("STT_ELASTIC_THREADS", "false");
    // These tests are about placement and moving sessions, not admission: on a busy machine one
    // worker per replica falls behind and admission control would refuse sessions, which is final
    // (ReplicatedRefusalTest covers that), so a test expecting every session transcribed turns it
    // off rather than depending on how fast this machine is.
    env.put("STT_ADMISSION_QUEUE_DEPTH", "0");
    int healthPort = NatsProcess.freePort();
    env.put("STT_HEALTH_PORT", Integer.toString(healthPort));
    ServiceProcess p = ServiceProcess.servingOn(nats.node(0), env, jvmOptions);
    healthPorts.put(p, healthPort);
    p.awaitReady(Duration.ofSeconds(120));
    return p;
  }

  record Case(String id, ai.voice.stt.audio.AudioClip clip, String reference) {}

  @Test
  void twelveSessionsOverThreeReplicasAreEachTranscribedOnceAndSpreadEvenly() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (var r : TestData.corpus()) {
      cases.add(new Case("rep12-" + r.name(), r.clip(), r.reference()));
    }
    assertEquals(12, cases.size());
    List<List<Received>> outs = runAll(cases, StreamOptions.realTime(), () -> {});
    for (int i = 0; i < cases.size(); i++) {
      assertExactlyOnce(cases.get(i), outs.get(i), true);
    }
    Map<String, Integer> claims = new HashMap<>();
    for (int i = 0; i < replicas.size(); i++) {
      int n = 0;
      for (String line : replicas.get(i).output()) {
        Matcher m = CLAIM.matcher(line);
        if (m.find() && m.group(1).startsWith("rep12-")) {
          n++;
          System.out.println("r" + i + ": " + line); // with the loads it saw, for a skewed spread
        }
      }
      claims.put("r" + i, n);
    }
    System.out.println("sessions claimed per replica: " + claims);
    assertEquals(12, claims.values().stream().mapToInt(Integer::intValue).sum(), "one claim each");
    int most = claims.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int least = claims.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    assertTrue(least > 0 && most <= 1.5 * least, "spread most/least <= 1.5: " + claims);
  }

  @Test
  void aFourthReplicaStartedMidRunTakesNewSessionsAndLeavesRunningOnesAlone() throws Exception {
    // Two recordings back to back (about 30 s), so the early sessions outlast the new replica's
    // start-up; the late ones begin once it is ready.
    List<Case> early = new ArrayList<>();
    for (Case c : streams("early", 6)) {
      early.add(new Case(c.id(), twice(c.clip()), c.reference() + " " + c.reference()));
    }
    List<Case> late = streams("late", 6);
    ServiceProcess[] fourth = new ServiceProcess[1];
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<Received>>> earlyOut = submitAll(clients, early, StreamOptions.realTime());
      ReplicatedRun.sleep(2_000);
      fourth[0] = replica("r3");
      assertTrue(
          earlyOut.stream().noneMatch(Future::isDone), "early sessions still running at the join");
      List<Future<List<Received>>> lateOut = submitAll(clients, late, StreamOptions.realTime());
      for (int i = 0; i < early.size(); i++) {
        assertExactlyOnce(early.get(i), earlyOut.get(i).get(), false);
      }
      for (int i = 0; i < late.size(); i++) {
        assertExactlyOnce(late.get(i), lateOut.get(i).get(), false);
      }
    }
    try {
      List<String> joined = fourth[0].output();
      long lateClaims =
          joined.stream().filter(l -> l.contains(": claimed") && l.contains("late-")).count();
      assertTrue(
          joined.stream().noneMatch(l -> l.contains("session early-")),
          "the new replica took no running session: "
              + joined.stream().filter(l -> l.contains("session early-")).toList());
      assertTrue(lateClaims >= 2, "the new replica took new sessions: " + lateClaims);
      for (ServiceProcess r : replicas) {
        assertTrue(
            r.output().stream().noneMatch(l -> l.contains("taken over") && l.contains("early-")),
            "no running session moved");
      }
    } finally {
      fourth[0].terminate();
      fourth[0].awaitOutputEnd(Duration.ofSeconds(60));
    }
  }

  @Test
  void aCrashedReplicasSessionsAreTakenOverWithNothingLostOrRepeated() throws Exception {
    List<Case> cases = streams("crash", 6);
    ServiceProcess victim = replicas.get(1);
    String victimId = replicaIdOf(victim);
    OwnershipLog owners = new OwnershipLog();
    long[] killedAt = new long[1];
    NatsKeyValueWatchSubscription watch =
        connection.keyValue("voice-stt-sessions").watchAll(owners);
    List<List<Received>> outs;
    try {
      outs =
          runAll(
              cases,
              StreamOptions.realTime().withSpeaker("alice"),
              () -> {
                ReplicatedRun.sleep(6_000);
                killedAt[0] = System.nanoTime();
                victim.process().destroyForcibly(); // kill -9
              });
    } finally {
      watch.unsubscribe();
    }
    for (int i = 0; i < cases.size(); i++) {
      assertExactlyOnce(cases.get(i), outs.get(i), false);
    }
    // Which sessions the victim held when it died, and when another replica wrote their key next.
    List<String> orphaned = owners.heldBy(victimId, killedAt[0]);
    Map<String, Long> takenOverAt = owners.movedFrom(victimId, killedAt[0]);
    for (String id : orphaned) {
      assertTrue(takenOverAt.containsKey(id), id + " was taken over");
      System.out.printf(
          "%s: taken over %d ms after kill -9 of %s%n",
          id, (takenOverAt.get(id) - killedAt[0]) / 1_000_000, victimId);
    }
    // The survivors count what they took on /metrics (stt_routing_claims_total{kind="takeover"}).
    long takeovers = 0;
    for (ServiceProcess survivor : List.of(replicas.get(0), replicas.get(2))) {
      takeovers +=
          MetricsText.sample(
              MetricsText.scrape(healthPorts.get(survivor)),
              "stt_routing_claims_total{kind=\"takeover\"}");
    }
    assertTrue(
        takeovers >= orphaned.size(),
        takeovers + " takeovers counted for " + orphaned.size() + " orphaned sessions");
    replicas.set(1, replica("r1b"));
  }

  /**
   * The one moment a crash can lose an output: after its checkpoint is committed, before it is
   * published. A replica halts exactly there (fault injection, as kill -9 would); whoever takes the
   * session over finds the output missing from the results stream and produces it again.
   */
  @Test
  void aReplicaDyingBetweenACheckpointAndItsPublishLosesNoResult() throws Exception {
    ServiceProcess faulty =
        replica("r-fault", List.of("-Dstt.fault.haltAfterCheckpointOfOutput=2"));
    try {
      List<Case> cases = streams("halt", 8);
      List<List<Received>> outs = runAll(cases, StreamOptions.realTime(), () -> {});
      assertEquals(
          137, faulty.process().waitFor(), "the faulty replica halted: " + faulty.output());
      String halted =
          faulty.output().stream()
              .filter(l -> l.contains("fault injection"))
              .findFirst()
              .orElseThrow();
      System.out.println(halted);
      for (int i = 0; i < cases.size(); i++) {
        assertExactlyOnce(cases.get(i), outs.get(i), false);
      }
      String session = halted.replaceAll(".*session (\\S+):.*", "$1");
      assertTrue(
          replicas.stream()
              .flatMap(r -> r.output().stream())
              .anyMatch(l -> l.contains("session " + session) && l.contains("never published")),
          "the replica that took " + session + " over produced its lost output again");
    } finally {
      faulty.close();
    }
  }

  static String replicaIdOf(ServiceProcess replica) {
    Pattern joined = Pattern.compile("replica (\\S+): sessions shared through JetStream");
    for (String line : replica.output()) {
      Matcher m = joined.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new IllegalStateException("no replica id in the output");
  }

  @Test
  void aRollingRestartMovesSessionsWithTheirSequenceTimelineSpeakerAndState() throws Exception {
    List<Case> cases = streams("roll", 6);
    List<List<Received>> outs =
        runAll(
            cases,
            StreamOptions.realTime().withSpeaker("bob").withState("responding"),
            () -> {
              for (int i = 0; i < replicas.size(); i++) {
                ReplicatedRun.sleep(3_000);
                ServiceProcess old = replicas.get(i);
                old.terminate(); // SIGTERM, as a Deployment update sends
                try {
                  old.awaitOutputEnd(Duration.ofSeconds(60));
                  replicas.set(i, replica("r" + i + "-next"));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    for (int i = 0; i < cases.size(); i++) {
      List<Received> out = outs.get(i);
      assertExactlyOnce(cases.get(i), out, false);
      for (Received r : out) {
        if (r.isTranscription()) {
          assertEquals("bob", r.string("speaker_id"), "speaker moves with the session");
          assertFalse("shutdown".equals(r.string("end_reason")), "no session ended: " + out);
        }
      }
    }
  }

  private static List<Case> streams(String prefix, int n) {
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = i % 2 == 0 ? "multi_utterance" : "multi_utterance_2";
      TestData.Stream s = TestData.stream(name);
      cases.add(new Case(prefix + "-" + i, s.clip(), s.reference()));
    }
    return cases;
  }

  private static ai.voice.stt.audio.AudioClip twice(ai.voice.stt.audio.AudioClip clip) {
    byte[] pcm = new byte[clip.pcm().length * 2];
    System.arraycopy(clip.pcm(), 0, pcm, 0, clip.pcm().length);
    System.arraycopy(clip.pcm(), 0, pcm, clip.pcm().length, clip.pcm().length);
    return new ai.voice.stt.audio.AudioClip(pcm, clip.sampleRate(), clip.channels());
  }

  private static List<Future<List<Received>>> submitAll(
      ExecutorService clients, List<Case> cases, StreamOptions options) {
    List<Future<List<Received>>> futures = new ArrayList<>();
    for (Case c : cases) {
      futures.add(
          clients.submit(
              () -> {
                try (StreamClient.Session s = client.listen(c.id(), r -> {})) {
                  client.stream(c.id(), c.clip(), options, s);
                  return s.awaitEnd(Duration.ofSeconds(180));
                }
              }));
    }
    return futures;
  }

  /** Streams every case at once; {@code during} runs beside them (the fault). */
  private static List<List<Received>> runAll(
      List<Case> cases, StreamOptions options, Runnable during) throws Exception {
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<Received>>> futures = submitAll(clients, cases, options);
      Future<?> fault = clients.submit(during);
      List<List<Received>> outs = new ArrayList<>();
      for (Future<List<Received>> f : futures) {
        outs.add(f.get());
      }
      fault.get();
      return outs;
    }
  }

  /** Every result once, in order, gapless, one end_of_stream last, no error, the words right. */
  private static void assertExactlyOnce(Case c, List<Received> out, boolean strictWer) {
    assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), c.id() + ": " + out);
    List<Received> results = out.stream().filter(Received::isTranscription).toList();
    for (int seq = 0; seq < results.size(); seq++) {
      assertEquals(seq, results.get(seq).sequence(), c.id() + ": gapless, once: " + results);
    }
    assertEquals(1, results.stream().filter(Received::endOfStream).count(), c.id());
    assertTrue(results.getLast().endOfStream(), c.id());
    double lastEnd = 0;
    for (Received r : results) {
      assertTrue(r.number("audio_start") >= lastEnd - 1e-6, c.id() + ": timeline " + results);
      lastEnd = r.number("audio_end");
    }
    String text = StreamClient.joinTranscripts(out);
    double wer = WordErrorRate.score(c.reference(), text).rate();
    System.out.printf("%-24s WER %5.1f%% \"%s\"%n", c.id(), 100 * wer, text);
    assertTrue(wer <= MAX_WER || c.id().contains("tidigits") || !strictWer && wer <= 0.5, text);
  }
}
