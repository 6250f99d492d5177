package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.client.Received;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.ServiceUnderTest;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A thousand callers who open a session, send a little audio and vanish: every session expires on
 * its own with an end-of-stream result saying why, the registry empties, and the memory they held
 * comes back. Heap figures are printed for docs; the assertion bound is deliberately generous.
 */
class AbandonedSessionsTest {
  private static final int SESSIONS = 1_000;
  private static final long MIB = 1 << 20;
  // 400 ms of audio fills a session's pre-roll (300 ms + onset), so each open session visibly
  // holds ~13 KiB of heap and a leak of sessions would show.
  private static final int CHUNK_BYTES = 12_800;

  @Test
  void aThousandAbandonedSessionsAllExpireAndTheirMemoryIsReturned() throws Exception {
    try (ServiceUnderTest stt =
        new ServiceUnderTest(Map.of("STT_SESSION_IDLE_TIMEOUT", "2", "STT_MAX_SESSIONS", "2000"))) {
      ConcurrentMap<String, String> endReasons = new ConcurrentHashMap<>();
      CompletableFuture<Void> allEnded = new CompletableFuture<>();
      Connection listener = stt.nats().connect();
      Dispatcher results =
          listener.createDispatcher(
              msg -> {
                Received r = new Received(Msgpack.unpackMap(msg.getData()), 0);
                if (r.endOfStream()) {
                  endReasons.put(r.string("session_id"), r.string("end_reason"));
                  if (endReasons.size() == SESSIONS) {
                    allEnded.complete(null);
                  }
                }
              });
      results.subscribe("ai.voice.transcription.>");
      listener.flush(Duration.ofSeconds(5));

      // Warm up the code paths once so the baseline is not taken before classes are loaded.
      openAndAbandon(stt, "warmup", 1);
      Await.until(() -> endReasons.size() == 1, Duration.ofSeconds(30), "warm-up expired");
      endReasons.clear();

      Heap before = Heap.measure();
      openAndAbandon(stt, "abandoned", SESSIONS);
      Await.until(
          () -> stt.service().activeSessions() + endReasons.size() == SESSIONS,
          Duration.ofSeconds(30),
          () -> stt.service().activeSessions() + " open");
      int openAtPeak = stt.service().activeSessions();
      Heap held = Heap.measure();

      allEnded.get(60, TimeUnit.SECONDS);
      Await.until(() -> stt.service().activeSessions() == 0, Duration.ofSeconds(10), "registry");
      Heap after = Heap.measure();

      System.out.printf(
          "abandoned sessions: heap before %.1f MiB, with %d of %d open %.1f MiB, after expiry"
              + " %.1f MiB (RSS %.0f / %.0f / %.0f MiB)%n",
          before.usedMiB(),
          openAtPeak,
          SESSIONS,
          held.usedMiB(),
          after.usedMiB(),
          before.rssMiB(),
          held.rssMiB(),
          after.rssMiB());
      assertEquals(SESSIONS, endReasons.size());
      assertTrue(
          endReasons.values().stream().allMatch("idle_timeout"::equals),
          "every session ends by expiry");
      assertEquals(0, stt.service().activeSessions());
      long heldBytes = held.used() - before.used();
      long retainedBytes = after.used() - before.used();
      assertTrue(heldBytes > 4 * MIB, "open sessions hold memory: " + heldBytes);
      assertTrue(
          retainedBytes < heldBytes / 4,
          "memory returned: " + before.usedMiB() + " -> " + after.usedMiB() + " MiB");
      listener.close();
    }
  }

  /** Start plus one 400 ms chunk of silence each, then never another word. */
  private static void openAndAbandon(ServiceUnderTest stt, String prefix, int count)
      throws Exception {
    byte[] silence = new byte[CHUNK_BYTES];
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      stt.client().send(id, Map.of("type", "start", "speaker_id", id));
      stt.client().send(id, Map.of("type", "chunk", "audio", silence));
    }
  }

  /** Heap in use after a full collection, and the process's resident set. */
  record Heap(long used, long rss) {
    static Heap measure() throws Exception {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      return new Heap(memory.getHeapMemoryUsage().getUsed(), rssBytes());
    }

    double usedMiB() {
      return used / (double) MIB;
    }

    double rssMiB() {
      return rss / (double) MIB;
    }

    private static long rssBytes() throws Exception {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      return 0;
    }
  }
}
