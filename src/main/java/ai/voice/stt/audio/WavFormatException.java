package ai.voice.stt.audio;

import java.io.IOException;

/**
 * The bytes are not a WAV this reader can use: not RIFF/WAVE, a header field out of range (no
 * channels, no sample rate, not 16-bit PCM), or a chunk that is cut short or claims more bytes than
 * there are. The message starts with the file's name and says which. The only exception {@link
 * WavReader#parse} throws, whatever the bytes.
 */
public final class WavFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public WavFormatException(String message) {
    super(message);
  }
}
