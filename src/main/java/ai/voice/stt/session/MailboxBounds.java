package ai.voice.stt.session;

/**
 * What a session's mailbox admits from its client. Audio is bounded by bytes, so the bound means
 * the same whatever the chunk size; control messages ({@code start}, {@code state_change}, {@code
 * end}, and the answers to messages that did not decode) are counted apart and never wait behind
 * audio for room. Pure: the mailbox asks it with its current counts.
 *
 * @param audioBytes audio bytes queued at most; a chunk is still admitted into a mailbox holding no
 *     audio, however large (the decoder's chunk limit bounds it)
 * @param controlMessages control messages queued at most: only a flood (a client sending nothing
 *     but control messages, far faster than any real one does) ever reaches it
 */
public record MailboxBounds(long audioBytes, int controlMessages) {
  /** The largest format a client may send: 48 kHz stereo PCM16 (the decoder's limits). */
  private static final long LARGEST_FORMAT_BYTES_PER_SECOND = 48_000L * 2 * 2;

  /** Seconds of the largest format a session may have queued: beyond it, it sends too fast. */
  static final int AUDIO_SECONDS = 20;

  /**
   * Control messages queued at most. A real client sends a few per utterance ({@code state_change})
   * and is read as fast as it sends, so a hundred waiting is already extreme; this only keeps a
   * hostile flood from holding memory without limit.
   */
  static final int CONTROL_MESSAGES = 10_000;

  /** The service's bounds: 20 s of 48 kHz stereo PCM16 (3,840,000 bytes), 10,000 control. */
  public static final MailboxBounds DEFAULT =
      new MailboxBounds(AUDIO_SECONDS * LARGEST_FORMAT_BYTES_PER_SECOND, CONTROL_MESSAGES);

  public MailboxBounds {
    if (audioBytes < 0 || controlMessages < 0) {
      throw new IllegalArgumentException("negative mailbox bound");
    }
  }

  /** Whether a chunk of {@code chunkBytes} fits beside {@code queuedBytes} of audio. */
  boolean admitsAudio(long queuedBytes, int chunkBytes) {
    return queuedBytes == 0 || queuedBytes + chunkBytes <= audioBytes;
  }

  /** Whether one more control message fits beside {@code queued} of them. */
  boolean admitsControl(int queued) {
    return queued < controlMessages;
  }
}
