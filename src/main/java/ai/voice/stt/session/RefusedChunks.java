package ai.voice.stt.session;

import java.util.ArrayDeque;

/**
 * Chunks refused at a session's full mailbox, counted on the transport thread until the session
 * accounts for them in their own place in the stream. Refusals with no accepted message between
 * them form one run, accounted by one task posted behind the messages accepted before it; a message
 * accepted after a run closes it, so refusals after that message form a run of their own, accounted
 * after it. Thread-safe (its own monitor).
 */
final class RefusedChunks {
  /** What one run of refusals held. */
  record Count(int chunks, long bytes) {}

  // Runs an accepted message has closed, oldest first; each still has its accounting task queued.
  private final ArrayDeque<Count> closed = new ArrayDeque<>();
  private int chunks;
  private long bytes;

  /**
   * Counts one refused chunk.
   *
   * @return true when it opens a run: the caller posts one task to account for the run
   */
  synchronized boolean add(int chunkBytes) {
    chunks++;
    bytes += chunkBytes;
    return chunks == 1;
  }

  /** A message was accepted: the open run (if any) ends before it. */
  synchronized void accepted() {
    if (chunks > 0) {
      closed.addLast(new Count(chunks, bytes));
      chunks = 0;
      bytes = 0;
    }
  }

  /** The oldest run not yet accounted for (the open one when no closed run waits). */
  synchronized Count take() {
    Count oldest = closed.pollFirst();
    if (oldest != null) {
      return oldest;
    }
    Count count = new Count(chunks, bytes);
    chunks = 0;
    bytes = 0;
    return count;
  }
}
