package ai.voice.stt.transport;

import ai.voice.stt.config.SttConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection replicated outputs leave on (JetStream routing). jnats resumes a dropped
 * connection and then sends what it still held, however late: a result of a session that another
 * replica took over meanwhile, and produced again, would reach the client twice. This connection is
 * never resumed: when it drops it is closed with whatever it held, and the next publish opens a new
 * one. A committed output is confirmed with a flush (the server has it once the flush returns); one
 * that is not confirmed cannot arrive later, so the session can find out whether it got out and
 * publish it again only if it did not (see {@code cluster.KvClaim}).
 */
public final class OutputConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputConnection.class);
  private static final Duration CONFIRM_WITHIN = Duration.ofSeconds(2);
  // Opening is tried at most this often while NATS is unreachable.
  private static final long REOPEN_EVERY_NANOS = Duration.ofMillis(250).toNanos();

  private final SttConfig.Nats nats;
  private final String name;
  private final Supplier<Collection<String>> servers;
  private final ReentrantLock opening = new ReentrantLock();
  private volatile Connection current;
  private volatile long lastTryNanos;
  private volatile boolean closed;

  /**
   * @param servers where to connect: the servers the service's main connection knows now (the
   *     configured ones and those the cluster announced), so an output connection finds a node that
   *     is up
   */
  public OutputConnection(SttConfig.Nats nats, String name, Supplier<Collection<String>> servers) {
    this.nats = nats;
    this.name = name;
    this.servers = servers;
  }

  /** Opens the connection ahead of the first output (a failure is left to the next publish). */
  public void open() {
    connected();
  }

  /**
   * Publishes and waits until the server has the message.
   *
   * @return false when it may not have got out: not connected, or the connection dropped (it is
   *     closed then, so the message will not arrive later either)
   */
  public boolean publishConfirmed(String subject, Headers headers, byte[] body) {
    Connection c = connectedOrWait();
    if (c == null) {
      return false;
    }
    try {
      c.publish(subject, headers, body);
      // A server that is stalled, not gone, delivers what it has once it runs again: while the
      // connection stands, only its confirmation tells, so wait for it. Once the connection is
      // gone, nothing it held can arrive later.
      while (true) {
        try {
          c.flush(CONFIRM_WITHIN);
          return true;
        } catch (TimeoutException e) {
          if (c.getStatus() != Connection.Status.CONNECTED || closed) {
            drop(c, e);
            return false;
          }
        }
      }
    } catch (IllegalStateException e) {
      drop(c, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drop(c, e);
      return false;
    }
  }

  /**
   * Publishes a message nothing depends on (an interim, an error): false when it was dropped
   * because the connection is down.
   */
  public boolean publish(String subject, Headers headers, byte[] body) {
    Connection c = connectedOrWait();
    if (c == null) {
      return false;
    }
    try {
      c.publish(subject, headers, body);
      return true;
    } catch (IllegalStateException e) {
      drop(c, e);
      return false;
    }
  }

  /**
   * The open connection. When there is none to hand, it waits rather than drop the message (an
   * error naming lost audio that is dropped makes the loss silent): for another session that is
   * opening it right now (NATS just came back and every session publishes at once), up to {@code
   * CONFIRM_WITHIN}, trying again every 250 ms meanwhile when NATS is not back yet. Null when there
   * is none to be had by then.
   */
  private Connection connectedOrWait() {
    long deadline = System.nanoTime() + CONFIRM_WITHIN.toNanos();
    try {
      while (true) {
        Connection c = connected();
        if (c != null || closed) {
          return c;
        }
        long left = deadline - System.nanoTime();
        // Another session may be opening it: wait for that.
        if (left <= 0 || !opening.tryLock(left, TimeUnit.NANOSECONDS)) {
          return null;
        }
        opening.unlock();
        // Its try is over: the loop's connected() takes what it opened. If it failed under
        // 250 ms ago (NATS was still down), try again after that.
        long wait = Math.min(lastTryNanos + REOPEN_EVERY_NANOS, deadline) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The open connection, opening one when there is none (not more often than every 250 ms; while
   * one session opens it, the others do not wait for it: see {@link #connectedOrWait}).
   */
  private Connection connected() {
    Connection c = current;
    if (c != null && c.getStatus() == Connection.Status.CONNECTED) {
      return c;
    }
    if (!opening.tryLock()) {
      return null;
    }
    try {
      c = current;
      if (c != null && c.getStatus() == Connection.Status.CONNECTED) {
        return c;
      }
      if (c != null) {
        drop(c, null);
      }
      long now = System.nanoTime();
      if (closed || now - lastTryNanos < REOPEN_EVERY_NANOS) {
        return null;
      }
      lastTryNanos = now;
      try {
        Collection<String> known = servers.get();
        current =
            Nats.connect(
                NatsConnector.oneShot(nats, name, known.isEmpty() ? nats.servers() : known));
        return current;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    } finally {
      opening.unlock();
    }
  }

  private void drop(Connection c, Exception why) {
    if (why != null) {
      log.warn(
          "output connection dropped ({}); what it held is discarded, not sent late",
          why.toString());
    }
    if (current == c) {
      current = null;
    }
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = current;
    if (c != null) {
      try {
        c.flush(CONFIRM_WITHIN);
      } catch (TimeoutException | InterruptedException | IllegalStateException e) {
        // closing: what could not be flushed is lost with the process, as before
      }
      drop(c, null);
    }
  }
}
