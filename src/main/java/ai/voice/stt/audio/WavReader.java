package ai.voice.stt.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads 16-bit PCM WAV files (and headerless raw PCM with a stated format). */
public final class WavReader {
  private WavReader() {}

  public static AudioClip read(Path path) throws IOException {
    return parse(Files.readAllBytes(path), path.toString());
  }

  public static AudioClip readRaw(Path path, int sampleRate, int channels) throws IOException {
    return new AudioClip(Files.readAllBytes(path), sampleRate, channels);
  }

  /**
   * Parses a WAV held in memory (an upload).
   *
   * @param name what to call it in error messages
   */
  public static AudioClip parse(byte[] bytes, String name) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || in.getInt(0) != 0x46464952 || in.getInt(8) != 0x45564157) {
      throw new IOException(name + ": not a RIFF/WAVE file");
    }
    int position = 12;
    int rate = 0;
    int channels = 0;
    while (position + 8 <= bytes.length) {
      int id = in.getInt(position);
      int size = in.getInt(position + 4);
      int body = position + 8;
      if (size < 0 || body + (long) size > bytes.length) {
        // Streams written by sox to a pipe leave the data size unknown: take the rest.
        size = bytes.length - body;
      }
      if (id == 0x20746d66) { // "fmt "
        int format = in.getShort(body) & 0xffff;
        channels = in.getShort(body + 2);
        rate = in.getInt(body + 4);
        int bits = in.getShort(body + 14);
        if ((format != 1 && format != 0xfffe) || bits != 16) {
          throw new IOException(name + ": only 16-bit PCM WAV is supported");
        }
      } else if (id == 0x61746164) { // "data"
        if (rate == 0) {
          throw new IOException(name + ": data chunk before fmt chunk");
        }
        int usable = size - size % (2 * channels);
        return new AudioClip(Arrays.copyOfRange(bytes, body, body + usable), rate, channels);
      }
      position = body + size + (size & 1);
    }
    throw new IOException(name + ": no data chunk");
  }
}
