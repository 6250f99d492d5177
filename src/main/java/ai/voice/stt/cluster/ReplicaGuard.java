package ai.voice.stt.cluster;

import ai.voice.stt.transport.ControlPlane;
import io.nats.client.Connection;
import io.nats.service.Discovery;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds configurations that would transcribe sessions twice: a replica with plain routing while any
 * other replica listens on the same input. It asks the NATS micro discovery ({@code $SRV.PING})
 * which {@code voice-stt} instances exist and what input and routing each announces; a problem is
 * logged, fails {@code /readyz} and shows in {@code stt.status}. Instances on another input (a
 * staging deployment on its own subject prefix in the same account) share no session and are left
 * out. Input subscriptions are always {@code <prefix>.*} with a literal prefix, so two overlap
 * exactly when they are equal.
 */
public final class ReplicaGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaGuard.class);
  private static final long PERIOD_MS = 5_000;

  private final Connection connection;
  private final String ownInstanceId;
  private final String input;
  private final boolean plain;
  private final ScheduledExecutorService timer =
      new ScheduledThreadPoolExecutor(
          1, Thread.ofPlatform().name("replica-guard").daemon().factory());
  private volatile String problem = "";
  private Peers seen = new Peers(0, 0); // the timer's thread only

  /** How many other instances discovery found on this replica's input, and on other inputs. */
  record Peers(long sameInput, long otherInputs) {}

  /**
   * @param ownInstanceId this process's micro service instance id
   * @param input the input subscription this replica announces ({@link
   *     ControlPlane#METADATA_INPUT})
   * @param plain whether this replica routes with a plain subscription
   */
  public ReplicaGuard(Connection connection, String ownInstanceId, String input, boolean plain) {
    this.connection = connection;
    this.ownInstanceId = ownInstanceId;
    this.input = input;
    this.plain = plain;
    timer.scheduleWithFixedDelay(this::check, 500, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** Empty when fine; else what duplicates work. */
  public String problem() {
    return problem;
  }

  void check() {
    try {
      List<Map<String, String>> others =
          new Discovery(connection, 500, 100)
              .ping(ControlPlane.SERVICE_NAME).stream()
                  .filter(p -> !ownInstanceId.equals(p.getId()))
                  .map(p -> p.getMetadata() == null ? Map.<String, String>of() : p.getMetadata())
                  .toList();
      String found = problem(input, plain, others);
      if (!found.equals(problem)) {
        if (found.isEmpty()) {
          log.info("replicas: the duplicate routing is gone");
        } else {
          log.error("replicas: {}", found);
        }
      }
      problem = found;
      // After the problem is set: once this line shows, readiness reflects what it counts.
      Peers peers = peers(input, others);
      if (!peers.equals(seen)) {
        log.info(
            "replicas: {} other voice-stt instance(s) on this input ({}), {} on other inputs"
                + " (ignored)",
            peers.sameInput(),
            input,
            peers.otherInputs());
        seen = peers;
      }
    } catch (RuntimeException e) {
      log.debug("replica discovery failed: {}", e.toString());
    }
  }

  /** The other instances (their announced metadata) counted by whether they share the input. */
  static Peers peers(String input, List<Map<String, String>> others) {
    long same = others.stream().filter(m -> onInput(input, m)).count();
    return new Peers(same, others.size() - same);
  }

  /**
   * What would transcribe sessions twice, given the other instances' announced metadata; empty when
   * nothing does. Only instances on the same input count.
   *
   * @param plain whether this replica routes with a plain subscription
   */
  static String problem(String input, boolean plain, List<Map<String, String>> others) {
    List<Map<String, String>> sameInput = others.stream().filter(m -> onInput(input, m)).toList();
    long plainOthers =
        sameInput.stream()
            .filter(m -> "plain".equals(m.get(ControlPlane.METADATA_ROUTING)))
            .count();
    if (plain && !sameInput.isEmpty()) {
      return "this replica routes with a plain subscription, and "
          + sameInput.size()
          + " other replica(s) listen on the same input ("
          + input
          + "): every session is transcribed once per replica; use JetStream routing"
          + " (STT_ROUTING=jetstream, a nats-server with JetStream) or run one replica";
    }
    if (!plain && plainOthers > 0) {
      return plainOthers
          + " other replica(s) route with a plain subscription on the same input ("
          + input
          + "): they transcribe every session beside the JetStream replicas";
    }
    return "";
  }

  private static boolean onInput(String input, Map<String, String> metadata) {
    return input.equals(metadata.get(ControlPlane.METADATA_INPUT));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
