package ai.voice.stt.cluster;

import ai.voice.stt.config.SttConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JetStream objects routing works on (docs/decisions/0012-replicas.md), created when missing by
 * whichever replica starts first: the input stream (replay), the results stream (what was
 * published, read after a crash), the bucket of session checkpoints and the bucket of replica
 * heartbeats. Three copies of each on a cluster, one on a single server, unless configured.
 */
final class RoutingStore {
  private static final Logger log = LoggerFactory.getLogger(RoutingStore.class);
  // Checkpoints kept per session key: the one before a lost output must still be there after a
  // few claims of the same checkpoint (each claim is a revision too).
  private static final int CHECKPOINT_HISTORY = 8;
  // Messages kept per session in the results stream: the newest numbered output must still be
  // among them when interims and errors came after it.
  private static final long RESULTS_PER_SESSION = 256;

  private final Connection connection;
  private final SttConfig config;
  private final JetStreamManagement jsm;
  private final KeyValue sessions;
  private final KeyValue replicas;
  private final String results;

  private RoutingStore(Connection connection, SttConfig config)
      throws IOException, JetStreamApiException {
    this.connection = connection;
    this.config = config;
    this.jsm = connection.jetStreamManagement();
    SttConfig.Routing routing = config.routing();
    ensureInputStream();
    // Longer than any session may live, so a live session's key and outputs never age out.
    Duration sessionLifetime = config.limits().maxSessionDuration().plus(Duration.ofMinutes(10));
    this.results = ensureResultsStream(routing.stream() + "_RESULTS", sessionLifetime);
    KeyValueManagement kvm = connection.keyValueManagement();
    this.sessions = bucket(kvm, routing.bucket(), CHECKPOINT_HISTORY, sessionLifetime, null);
    this.replicas =
        bucket(kvm, routing.bucket() + "-replicas", 1, routing.leaseTtl(), routing.leaseTtl());
  }

  /** Creates what is missing. */
  static RoutingStore ensure(Connection connection, SttConfig config)
      throws IOException, JetStreamApiException {
    return new RoutingStore(connection, config);
  }

  /** One checkpoint per session, its last revisions kept. */
  KeyValue sessions() {
    return sessions;
  }

  /** One heartbeat per replica, expiring after the lease TTL. */
  KeyValue replicas() {
    return replicas;
  }

  /**
   * The stream of published outputs; empty when it could not be set up (then a crash between a
   * checkpoint and its output can lose that output).
   */
  Optional<String> results() {
    return Optional.ofNullable(results);
  }

  /** The input stream, kept for replay when a session moves. */
  private void ensureInputStream() throws IOException, JetStreamApiException {
    ensureStream(
        StreamConfiguration.builder()
            .name(config.routing().stream())
            .description("voice-stt input audio, kept for replay when a session moves")
            .subjects(config.nats().inputSubscription())
            .maxAge(config.routing().audioRetention())
            .maxBytes(config.routing().audioMaxBytes())
            .build());
  }

  /**
   * The stream of what sessions published (every message on the output subjects, the numbered
   * results and interrupts among them). Without it the service still runs, as before it existed.
   *
   * @return its name, or null when it cannot be had
   */
  private String ensureResultsStream(String name, Duration keep) {
    try {
      ensureStream(
          StreamConfiguration.builder()
              .name(name)
              .description("voice-stt results as published, read when a replica takes over")
              .subjects(config.nats().outputSubscription())
              .maxMessagesPerSubject(RESULTS_PER_SESSION)
              .maxAge(keep)
              .maxBytes(config.routing().resultsMaxBytes())
              // Replies to ids that never opened a session carry their own shorter TTL.
              .allowMessageTtl(true)
              .build());
      return name;
    } catch (IOException | JetStreamApiException e) {
      log.warn(
          "stream {}: {}; crash recovery is off: a replica dying between a checkpoint and its"
              + " output loses that output",
          name,
          e.getMessage());
      return null;
    }
  }

  /**
   * Creates the stream {@code spec} describes (file storage, limits, oldest discarded) when
   * missing, with three copies on a cluster and one on a single server unless configured; one that
   * exists must hold the same subjects, and takes the configured limits (age, bytes, message TTLs)
   * when its own differ.
   */
  private void ensureStream(StreamConfiguration spec) throws IOException, JetStreamApiException {
    String subjects = String.join(",", spec.getSubjects());
    try {
      StreamInfo info = jsm.getStreamInfo(spec.getName());
      StreamConfiguration existing = info.getConfiguration();
      if (!existing.getSubjects().containsAll(spec.getSubjects())) {
        throw new IOException("stream " + spec.getName() + " exists but does not hold " + subjects);
      }
      if (!existing.getMaxAge().equals(spec.getMaxAge())
          || existing.getMaxBytes() != spec.getMaxBytes()
          || existing.getAllowMessageTtl() != spec.getAllowMessageTtl()) {
        updateLimits(existing, spec);
      }
      return;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != 10059) { // stream not found
        throw e;
      }
    }
    JetStreamApiException last = null;
    for (int replicas : replicaChoices()) {
      try {
        jsm.addStream(
            StreamConfiguration.builder(spec)
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .replicas(replicas)
                .build());
        log.info("created stream {} over {} ({} replicas)", spec.getName(), subjects, replicas);
        return;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == 10058) { // created by another replica meanwhile
          return;
        }
        last = e;
      }
    }
    throw last;
  }

  /** Gives an existing stream (made by an earlier version or another setting) these limits. */
  private void updateLimits(StreamConfiguration existing, StreamConfiguration spec) {
    try {
      jsm.updateStream(
          StreamConfiguration.builder(existing)
              .maxAge(spec.getMaxAge())
              .maxBytes(spec.getMaxBytes())
              // A stream's message TTLs can be turned on, not off.
              .allowMessageTtl(existing.getAllowMessageTtl() || spec.getAllowMessageTtl())
              .build());
      log.info(
          "stream {}: keeps {} s, at most {} MiB now",
          spec.getName(),
          spec.getMaxAge().toSeconds(),
          spec.getMaxBytes() >> 20);
    } catch (IOException | JetStreamApiException e) {
      // Another replica of a different version may be running: its limits stay until it is gone.
      log.warn("stream {}: its limits could not be updated: {}", spec.getName(), e.getMessage());
    }
  }

  private List<Integer> replicaChoices() {
    int configured = config.routing().storageReplicas();
    return configured > 0 ? List.of(configured) : List.of(3, 1);
  }

  private KeyValue bucket(
      KeyValueManagement kvm, String name, int history, Duration ttl, Duration marker)
      throws IOException, JetStreamApiException {
    try {
      KeyValueStatus status = kvm.getStatus(name);
      if (status.getMaxHistoryPerKey() < history) {
        // A bucket made by an earlier version keeps fewer checkpoints than crash recovery reads.
        kvm.update(
            KeyValueConfiguration.builder(status.getConfiguration())
                .maxHistoryPerKey(history)
                .build());
        log.info("bucket {}: keeps {} revisions per key now", name, history);
      }
      return connection.keyValue(name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != 10059) {
        throw e;
      }
    }
    JetStreamApiException last = null;
    for (int replicas : replicaChoices()) {
      KeyValueConfiguration.Builder b =
          KeyValueConfiguration.builder()
              .name(name)
              .maxHistoryPerKey(history)
              .ttl(ttl)
              .storageType(StorageType.File)
              .replicas(replicas);
      if (marker != null) {
        b.limitMarker(marker);
      }
      try {
        kvm.create(b.build());
        log.info("created bucket {} ({} replicas)", name, replicas);
        return connection.keyValue(name);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == 10058) {
          return connection.keyValue(name);
        }
        last = e;
      }
    }
    throw last;
  }
}
