package ai.voice.stt.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plain TCP relay from a local port to an upstream port, with a gate: while shut, new connections
 * are accepted and closed at once (to the client it looks like a server that is not back yet);
 * connections already relayed keep flowing until either side closes.
 *
 * <p>Core NATS delivers a message only to the subscriptions present when it arrives. After a server
 * restart, a test uses the gate to let its client resubscribe before the service's buffered results
 * arrive, so that what it measures is the service's guarantee rather than which of two clients
 * reconnected first.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;

  public TcpRelay(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("relay-accept").start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  public String url() {
    return "nats://127.0.0.1:" + port();
  }

  public void open() {
    open = true;
  }

  public void shut() {
    open = false;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket downstream;
      try {
        downstream = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!open) {
        closeQuietly(downstream);
        continue;
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        sockets.add(downstream);
        sockets.add(upstream);
        pump(downstream, upstream);
        pump(upstream, downstream);
      } catch (IOException e) {
        closeQuietly(downstream); // upstream is down: refuse like it would
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // one side went away; close both below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  private void closeQuietly(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Set.copyOf(sockets).forEach(this::closeQuietly);
  }
}
