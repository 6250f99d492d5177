package ai.voice.stt.session;

/**
 * Chunks refused at a session's full mailbox, counted on the transport thread until the session
 * accounts for them in its own place in the stream. Thread-safe (its own monitor).
 */
final class RefusedChunks {
  /** What was refused since the session last took the count. */
  record Count(int chunks, long bytes) {}

  private int chunks;
  private long bytes;

  /**
   * Counts one refused chunk.
   *
   * @return true for the first since the last {@link #take()}: the caller posts one task to account
   *     for them all
   */
  synchronized boolean add(int chunkBytes) {
    chunks++;
    bytes += chunkBytes;
    return chunks == 1;
  }

  /** The count so far, reset to nothing. */
  synchronized Count take() {
    Count count = new Count(chunks, bytes);
    chunks = 0;
    bytes = 0;
    return count;
  }
}
