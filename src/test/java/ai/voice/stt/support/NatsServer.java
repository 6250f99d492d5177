package ai.voice.stt.support;

import io.nats.NatsServerRunner;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;

/** A real nats-server process (the Debian package's binary) on a free port, for one test class. */
public final class NatsServer implements AutoCloseable {
  private final NatsServerRunner runner;

  public NatsServer() throws IOException {
    NatsServerRunner.setDefaultOutputLevel(Level.WARNING);
    this.runner = new NatsServerRunner(false);
  }

  public String url() {
    return runner.getURI();
  }

  public int port() {
    return runner.getPort();
  }

  public Connection connect() throws IOException, InterruptedException {
    return Nats.connect(
        Options.builder().server(url()).connectionTimeout(Duration.ofSeconds(5)).build());
  }

  /** Stops the server process (also used by tests that take NATS away mid-stream). */
  @Override
  public void close() {
    try {
      runner.shutdown(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
