package ai.voice.stt.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The test support for shared sessions works: a 3-node JetStream cluster takes a replicated stream
 * and KV bucket, and a KV put still succeeds with the bucket's leader killed; a single JetStream
 * server keeps its store across a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NatsClusterTest {
  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)");

  @BeforeEach
  void needsAClusteredJetStreamServer() throws InterruptedException {
    String configured = System.getenv("STT_NATS_SERVER");
    if (configured != null && !configured.isEmpty()) {
      return; // scripts/test.sh built one; a broken one should fail, not skip
    }
    String version = version(NatsProcess.executable());
    Assumptions.assumeTrue(
        atLeast(version, 2, 11),
        "STT_NATS_SERVER is unset and nats-server on the PATH is "
            + version
            + ", older than 2.11 (scripts/ensure-nats-server.sh builds one)");
  }

  @Test
  void replicatedStreamAndBucketSurviveALostNode() throws Exception {
    try (NatsCluster cluster = NatsCluster.start(3)) {
      Connection connection = cluster.connect();
      JetStreamManagement jsm = connection.jetStreamManagement();
      JetStream js = connection.jetStream();

      jsm.addStream(
          StreamConfiguration.builder()
              .name("T")
              .subjects("t.>")
              .storageType(StorageType.File)
              .replicas(3)
              .build());
      long seq = js.publish("t.session-1", bytes("chunk-1")).getSeqno();
      MessageInfo stored = jsm.getMessage("T", seq);
      assertEquals("chunk-1", text(stored.getData()), cluster.log());
      assertEquals(3, replicas(jsm, "T"), cluster.log());

      KeyValue kv =
          connection.keyValue(
              connection
                  .keyValueManagement()
                  .create(
                      KeyValueConfiguration.builder()
                          .name("sessions")
                          .replicas(3)
                          .storageType(StorageType.File)
                          .build())
                  .getBucketName());
      kv.put("session-1", bytes("replica-a"));
      assertEquals("replica-a", text(kv.get("session-1").getValue()), cluster.log());

      // Kill the node leading the bucket's stream: the other two elect a new leader.
      String leader = jsm.getStreamInfo("KV_sessions").getClusterInfo().getLeader();
      assertNotNull(leader, cluster.log());
      NatsProcess lost = cluster.node(cluster.indexOf(leader));
      lost.kill();
      assertFalse(lost.isAlive());

      long revision = putWithin(kv, "session-1", "replica-b", Duration.ofSeconds(30), cluster);
      KeyValueEntry entry = kv.get("session-1");
      assertEquals("replica-b", text(entry.getValue()), cluster.log());
      assertEquals(revision, entry.getRevision(), cluster.log());

      // The node comes back on its ports with its store and the cluster takes it in again.
      lost.restart();
      putWithin(kv, "session-2", "replica-a", Duration.ofSeconds(30), cluster);
      assertEquals("replica-b", text(kv.get("session-1").getValue()), cluster.log());
      connection.close();
    }
  }

  @Test
  void singleJetStreamServerKeepsItsStoreAcrossARestart() throws Exception {
    try (NatsProcess nats = NatsProcess.startJetStream()) {
      Connection connection = nats.connect();
      connection
          .jetStreamManagement()
          .addStream(
              StreamConfiguration.builder()
                  .name("T")
                  .subjects("t.>")
                  .storageType(StorageType.File)
                  .build());
      long seq = connection.jetStream().publish("t.session-1", bytes("chunk-1")).getSeqno();
      connection.close();

      nats.kill();
      nats.restart();
      connection = nats.connect();
      MessageInfo stored = getWithin(connection.jetStreamManagement(), "T", seq, nats);
      assertEquals("chunk-1", text(stored.getData()), nats.log());
      connection.close();
    }
  }

  /** The server answers JetStream requests only once it has recovered its streams. */
  private static MessageInfo getWithin(
      JetStreamManagement jsm, String stream, long seq, NatsProcess nats)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        return jsm.getMessage(stream, seq);
      } catch (IOException | JetStreamApiException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("message " + seq + " not readable\n" + nats.log(), e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Retries through the leader election and the client's reconnect, up to {@code within}. */
  private static long putWithin(
      KeyValue kv, String key, String value, Duration within, NatsCluster cluster)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return kv.put(key, bytes(value));
      } catch (IOException | JetStreamApiException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "KV put of " + key + " failed for " + within.toSeconds() + " s\n" + cluster.log(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  private static int replicas(JetStreamManagement jsm, String stream)
      throws IOException, JetStreamApiException {
    return jsm.getStreamInfo(stream).getConfiguration().getReplicas();
  }

  private static String version(String executable) throws InterruptedException {
    try {
      Process process =
          new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return out.trim();
    } catch (IOException e) {
      return "not runnable (" + e.getMessage() + ")";
    }
  }

  private static boolean atLeast(String version, int major, int minor) {
    Matcher m = VERSION.matcher(version);
    if (!m.find()) {
      return false;
    }
    int haveMajor = Integer.parseInt(m.group(1));
    int haveMinor = Integer.parseInt(m.group(2));
    return haveMajor > major || (haveMajor == major && haveMinor >= minor);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }
}
