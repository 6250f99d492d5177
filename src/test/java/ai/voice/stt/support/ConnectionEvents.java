package ai.voice.stt.support;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Records a test client's connection events so a test can wait for one. */
public final class ConnectionEvents implements ConnectionListener {
  private final BlockingQueue<Events> events = new LinkedBlockingQueue<>();

  @Override
  @SuppressWarnings("deprecation")
  public void connectionEvent(Connection connection, Events event) {
    events.add(event);
  }

  @Override
  public void connectionEvent(Connection connection, Events event, Long time, String uri) {
    events.add(event);
  }

  /** Waits for {@code wanted}, discarding the events before it. */
  public void await(Events wanted, Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Events e;
    do {
      e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new TimeoutException("no " + wanted + " within " + timeout);
      }
    } while (e != wanted);
  }
}
