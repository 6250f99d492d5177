package ai.voice.stt.support;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A JetStream cluster of real nats-server processes on 127.0.0.1 (cluster name {@code stt-test}),
 * what several replicas of the service share sessions through: each node has its own store
 * directory, client port and cluster port, and routes to every node. A test can kill and restart
 * single nodes ({@link #node}); {@link #close} stops them all and deletes their directories.
 */
public final class NatsCluster implements AutoCloseable {
  public static final String CLUSTER_NAME = "stt-test";
  private static final Duration JETSTREAM_READY = Duration.ofSeconds(30);

  private final Path root;
  private final List<NatsProcess> nodes = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  private NatsCluster(Path root) {
    this.root = root;
  }

  /**
   * Starts {@code nodes} servers forming one cluster and waits until each logged "Server is ready"
   * and JetStream answers on every node (a metadata leader is elected), up to 30 s.
   */
  public static NatsCluster start(int nodes) throws IOException, InterruptedException {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be at least 1: " + nodes);
    }
    NatsCluster cluster = new NatsCluster(Files.createTempDirectory("stt-nats-cluster-"));
    try {
      cluster.startNodes(nodes);
      cluster.awaitJetStream();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startNodes(int count) throws IOException {
    List<Integer> ports = distinctFreePorts(2 * count);
    List<Integer> clientPorts = ports.subList(0, count);
    List<Integer> clusterPorts = ports.subList(count, 2 * count);
    String routes =
        clusterPorts.stream()
            .map(port -> "\"nats-route://127.0.0.1:" + port + "\"")
            .collect(Collectors.joining(", "));
    for (int i = 0; i < count; i++) {
      String name = CLUSTER_NAME + "-" + i;
      Path store = Files.createDirectories(root.resolve(name).resolve("store"));
      Path config = root.resolve(name).resolve("nats.conf");
      // Quoted strings: the store path may hold characters the config lexer would split on.
      Files.writeString(
          config,
          """
          server_name: "%s"
          jetstream {
            store_dir: "%s"
          }
          cluster {
            name: "%s"
            listen: "127.0.0.1:%d"
            routes: [%s]
          }
          """
              .formatted(name, store, CLUSTER_NAME, clusterPorts.get(i), routes));
      names.add(name);
      nodes.add(NatsProcess.start(clientPorts.get(i), config, List.of("-js"), null));
    }
  }

  private void awaitJetStream() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + JETSTREAM_READY.toNanos();
    for (int i = 0; i < nodes.size(); i++) {
      String why;
      while ((why = jetStreamProblem(nodes.get(i).url())) != null) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "JetStream not usable on "
                  + names.get(i)
                  + " within "
                  + JETSTREAM_READY.toSeconds()
                  + " s: "
                  + why
                  + "\n"
                  + log());
        }
        Thread.sleep(200);
      }
    }
  }

  /** Null when JetStream answers on the server at {@code url}, else why not. */
  private static String jetStreamProblem(String url) throws InterruptedException {
    Connection connection;
    try {
      connection = connect(url);
    } catch (IOException e) {
      return e.getMessage();
    }
    try {
      connection.jetStreamManagement().getAccountStatistics();
      return null;
    } catch (IOException | JetStreamApiException e) {
      return e.getMessage();
    } finally {
      // Not try-with-resources: Connection.close() throws InterruptedException (-Xlint:try).
      connection.close();
    }
  }

  /**
   * The node that leads the JetStream metadata now: the one whose latest word on the metadata
   * leader is that it is the leader itself.
   */
  public int metaLeader() {
    for (int i = 0; i < nodes.size(); i++) {
      List<String> said =
          nodes.get(i).log().lines().filter(l -> l.contains("metadata leader")).toList();
      if (!said.isEmpty() && said.getLast().contains("Self is new JetStream cluster metadata")) {
        return i;
      }
    }
    throw new IllegalStateException("no node says it leads the JetStream metadata:\n" + log());
  }

  /** Waits until JetStream answers on every node again (after a node was restarted). */
  public void awaitHealthy() throws IOException, InterruptedException {
    awaitJetStream();
  }

  /** The client URLs of every node, comma-separated ({@code nats://127.0.0.1:port,...}). */
  public String urls() {
    return nodes.stream().map(NatsProcess::url).collect(Collectors.joining(","));
  }

  /** How many nodes the cluster has. */
  public int size() {
    return nodes.size();
  }

  /** Node {@code i} (from 0), to kill or restart; a restart keeps its ports and store. */
  public NatsProcess node(int i) {
    return nodes.get(i);
  }

  /** The server name of node {@code i} ({@code stt-test-i}), as JetStream reports leaders. */
  public String serverName(int i) {
    return names.get(i);
  }

  /** The index of the node with this server name, e.g. a stream's leader. */
  public int indexOf(String serverName) {
    int i = names.indexOf(serverName);
    if (i < 0) {
      throw new IllegalArgumentException("no node named " + serverName + " in " + names);
    }
    return i;
  }

  /** A client connection that knows every node (and reconnects to another when one goes). */
  public Connection connect() throws IOException, InterruptedException {
    return connect(urls());
  }

  private static Connection connect(String urls) throws IOException, InterruptedException {
    return Nats.connect(
        Options.builder()
            .servers(urls.split(","))
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .build());
  }

  /** The recent log lines of every node, each block headed by the node's name (for failures). */
  public String log() {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      all.append("---- ")
          .append(names.get(i))
          .append(" (")
          .append(nodes.get(i).url())
          .append(") ----\n")
          .append(nodes.get(i).log())
          .append('\n');
    }
    return all.toString();
  }

  /** Stops every node and deletes their configuration and store directories. */
  @Override
  public void close() {
    for (NatsProcess node : nodes) {
      node.close();
    }
    NatsProcess.deleteTree(root);
  }

  private static List<Integer> distinctFreePorts(int count) throws IOException {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < count) {
      ports.add(NatsProcess.freePort()); // never the same port twice
    }
    return ports;
  }
}
