package ai.voice.stt.cluster;

import ai.voice.stt.transport.ControlPlane;
import io.nats.client.Connection;
import io.nats.service.Discovery;
import io.nats.service.PingResponse;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds configurations that would transcribe sessions twice: a replica with plain routing while any
 * other replica listens on the same input. It asks the NATS micro discovery ({@code $SRV.PING})
 * which {@code voice-stt} instances exist and what routing each announces; a problem is logged,
 * fails {@code /readyz} and shows in {@code stt.status}.
 */
public final class ReplicaGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaGuard.class);
  private static final long PERIOD_MS = 5_000;

  private final Connection connection;
  private final String ownInstanceId;
  private final boolean plain;
  private final ScheduledExecutorService timer =
      new ScheduledThreadPoolExecutor(
          1, Thread.ofPlatform().name("replica-guard").daemon().factory());
  private volatile String problem = "";

  /**
   * @param ownInstanceId this process's micro service instance id
   * @param plain whether this replica routes with a plain subscription
   */
  public ReplicaGuard(Connection connection, String ownInstanceId, boolean plain) {
    this.connection = connection;
    this.ownInstanceId = ownInstanceId;
    this.plain = plain;
    timer.scheduleWithFixedDelay(this::check, 500, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** Empty when fine; else what duplicates work. */
  public String problem() {
    return problem;
  }

  void check() {
    try {
      List<PingResponse> others =
          new Discovery(connection, 500, 100)
              .ping(ControlPlane.SERVICE_NAME).stream()
                  .filter(p -> !ownInstanceId.equals(p.getId()))
                  .toList();
      long plainOthers =
          others.stream().filter(p -> "plain".equals(p.getMetadata().get("routing"))).count();
      String found = "";
      if (plain && !others.isEmpty()) {
        found =
            "this replica routes with a plain subscription, and "
                + others.size()
                + " other replica(s) listen on the same input: every session is transcribed once"
                + " per replica; use JetStream routing (STT_ROUTING=jetstream, a nats-server with"
                + " JetStream) or run one replica";
      } else if (!plain && plainOthers > 0) {
        found =
            plainOthers
                + " other replica(s) route with a plain subscription on the same input: they"
                + " transcribe every session beside the JetStream replicas";
      }
      if (!found.equals(problem)) {
        if (found.isEmpty()) {
          log.info("replicas: the duplicate routing is gone");
        } else {
          log.error("replicas: {}", found);
        }
      }
      problem = found;
    } catch (RuntimeException e) {
      log.debug("replica discovery failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
