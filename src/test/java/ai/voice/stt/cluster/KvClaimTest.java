package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.session.SessionCheckpoint;
import ai.voice.stt.session.SessionClaim;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ReplicatedRun;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's claim against a real JetStream bucket: only another replica's record fences it; its
 * own write that the server applied after the client gave up on it does not, and neither does a
 * moment without NATS.
 */
class KvClaimTest {
  private static final String ID = "claim-test";
  private NatsProcess nats;
  private Connection connection;
  private KeyValue bucket;
  private final AtomicBoolean connected = new AtomicBoolean(true);
  private final AtomicBoolean leaving = new AtomicBoolean();
  private final List<String> finished = new ArrayList<>();
  private final ReplicaLiveness liveness = new ReplicaLiveness(Duration.ofSeconds(3).toNanos());

  @BeforeEach
  void bucket() throws Exception {
    nats = NatsProcess.startJetStream();
    connection = nats.connect();
    connection
        .keyValueManagement()
        .create(KeyValueConfiguration.builder().name("claims").maxHistoryPerKey(8).build());
    bucket = connection.keyValue("claims");
    long now = System.nanoTime();
    liveness.beat(now, now); // the replica's heartbeat holds
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
    nats.close();
  }

  private java.util.OptionalLong deliveredSoFar = java.util.OptionalLong.of(0);

  private KvClaim claimAs(String replica) throws Exception {
    long revision =
        bucket.create(
            SessionKeys.key(ID), CheckpointCodec.encode(SessionCheckpoint.fresh(replica, 1_000)));
    return new KvClaim(
        bucket,
        ID,
        replica,
        revision,
        0,
        liveness,
        Duration.ofSeconds(30),
        leaving::get,
        connected::get,
        id -> deliveredSoFar,
        new OutputsInFlight(),
        new KvClaim.Finish() {
          @Override
          public void readThrough(String sessionId, long lastSeq) {}

          @Override
          public void finished(String sessionId, boolean ended) {
            finished.add(sessionId);
          }
        });
  }

  private long writeBehindItsBack(String owner) throws Exception {
    return bucket.put(
        SessionKeys.key(ID), CheckpointCodec.encode(SessionCheckpoint.fresh(owner, 2_000)));
  }

  @Test
  void aWriteOfItsOwnThatTimedOutButWasAppliedIsNotATakeover() throws Exception {
    KvClaim claim = claimAs("r1");
    writeBehindItsBack("r1"); // as a timed-out update that the server applied anyway
    assertEquals(SessionClaim.Commit.RECORDED, claim.commit(SessionCheckpoint.fresh("*", 3_000)));
    assertEquals(
        "r1",
        CheckpointCodec.decode(bucket.get(SessionKeys.key(ID)).getValue()).owner(),
        "the record written");
    assertEquals(List.of(), finished);
  }

  @Test
  void anotherReplicasRecordFencesIt() throws Exception {
    KvClaim claim = claimAs("r1");
    writeBehindItsBack("r2");
    assertEquals(SessionClaim.Commit.TAKEN_OVER, claim.commit(SessionCheckpoint.fresh("*", 3_000)));
    assertEquals("r2", CheckpointCodec.decode(bucket.get(SessionKeys.key(ID)).getValue()).owner());
    assertEquals(List.of(ID), finished, "the session leaves this replica");
  }

  @Test
  void withoutNatsItWaitsAndRecordsOnceNatsIsBack() throws Exception {
    KvClaim claim = claimAs("r1");
    connected.set(false);
    Thread.ofVirtual()
        .start(
            () -> {
              ReplicatedRun.sleep(1_500);
              connected.set(true);
            });
    assertEquals(SessionClaim.Commit.RECORDED, claim.commit(SessionCheckpoint.fresh("*", 3_000)));
  }

  @Test
  void aReplicaLeavingWhileNatsIsAwayGivesUpWithoutClaimingATakeover() throws Exception {
    KvClaim claim = claimAs("r1");
    connected.set(false);
    leaving.set(true);
    assertEquals(
        SessionClaim.Commit.REPLICA_LEAVING, claim.commit(SessionCheckpoint.fresh("*", 3_000)));
  }

  @Test
  void itsEndDeletesItsRecordEvenAfterAnAppliedWriteItDidNotSee() throws Exception {
    KvClaim claim = claimAs("r1");
    writeBehindItsBack("r1");
    claim.ended(0);
    assertNull(bucket.get(SessionKeys.key(ID)), "no record left to strand the id");
  }

  @Test
  void anOutputTheServerDidNotConfirmIsPublishedAgainWhileTheSessionIsStillOurs() throws Exception {
    KvClaim claim = claimAs("r1");
    claim.commit(SessionCheckpoint.fresh("*", 3_000));
    int[] tries = new int[1];
    assertTrue(claim.publish(1, () -> ++tries[0] == 2), "out on the second try");
    assertEquals(2, tries[0]);
  }

  @Test
  void anOutputThatReachedTheResultsStreamIsNotPublishedAgain() throws Exception {
    KvClaim claim = claimAs("r1");
    claim.commit(SessionCheckpoint.fresh("*", 3_000));
    deliveredSoFar = java.util.OptionalLong.of(1);
    int[] tries = new int[1];
    assertTrue(claim.publish(1, () -> ++tries[0] > 1));
    assertEquals(1, tries[0], "the stream has it: it got out before its connection dropped");
  }

  @Test
  void afterAStallAnOutputIsPublishedOnlyIfTheSessionIsStillOurs() throws Exception {
    KvClaim claim = claimAs("r1");
    claim.commit(SessionCheckpoint.fresh("*", 3_000));
    // The heartbeat lapsed (a stall of the whole process) and another replica took the session.
    liveness.beat(System.nanoTime() - 10_000_000_000L, System.nanoTime());
    writeBehindItsBack("r2");
    int[] tries = new int[1];
    assertFalse(claim.publish(1, () -> ++tries[0] > 0));
    assertEquals(0, tries[0], "nothing published for a session that moved");
  }

  @Test
  void anOutputNotConfirmedOfASessionTakenOverMeanwhileIsLeftToTheNewOwner() throws Exception {
    KvClaim claim = claimAs("r1");
    claim.commit(SessionCheckpoint.fresh("*", 3_000));
    writeBehindItsBack("r2");
    int[] tries = new int[1];
    assertFalse(claim.publish(1, () -> ++tries[0] > 1));
    assertEquals(1, tries[0], "not published again: r2 produces it from the record");
  }
}
