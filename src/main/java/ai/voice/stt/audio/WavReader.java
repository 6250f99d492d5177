package ai.voice.stt.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads 16-bit PCM WAV files (and headerless raw PCM with a stated format).
 *
 * <p>Hand-written rather than {@code javax.sound.sampled.AudioSystem}: see
 * docs/decisions/0013-wav-reader.md. Every header field is checked before it is used, so any byte
 * string either parses or fails with a {@link WavFormatException} naming the problem.
 */
public final class WavReader {
  private static final int RIFF = 0x46464952;
  private static final int WAVE = 0x45564157;
  private static final int FMT = 0x20746d66;
  private static final int DATA = 0x61746164;
  private static final int WAVE_FORMAT_PCM = 0x0001;
  private static final int WAVE_FORMAT_EXTENSIBLE = 0xfffe;

  /** The fields of a PCM fmt chunk; WAVE_FORMAT_EXTENSIBLE adds 24 more up to its sub-format. */
  private static final int FMT_BYTES = 16;

  private static final int FMT_EXTENSIBLE_BYTES = 40;

  /** The speaker positions WAVE_FORMAT_EXTENSIBLE's channel mask can name. */
  static final int MAX_CHANNELS = 18;

  /** Twice the highest rate of studio audio (384 kHz); anything above is a broken header. */
  static final int MAX_SAMPLE_RATE = 768_000;

  /**
   * A data size at or above this, running past the end, is a writer's "length unknown" placeholder
   * rather than a truncated file: sox to a pipe writes 0x7ffff000, arecord 0x7fffffff, ffmpeg
   * 0xffffffff (compared unsigned).
   */
  private static final long UNKNOWN_LENGTH = 0x7fff_f000L;

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
   * @throws WavFormatException when the bytes are not a 16-bit PCM WAV with a sane header, and for
   *     nothing else
   */
  public static AudioClip parse(byte[] bytes, String name) throws WavFormatException {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 12 || in.getInt(0) != RIFF || in.getInt(8) != WAVE) {
      throw malformed(name, "not a RIFF/WAVE file");
    }
    int position = 12;
    Format format = null;
    while (position <= bytes.length - 8) {
      int id = in.getInt(position);
      long size = Integer.toUnsignedLong(in.getInt(position + 4));
      int body = position + 8;
      long present = bytes.length - body;
      if (id == DATA) {
        if (format == null) {
          throw malformed(name, "data chunk before fmt chunk");
        }
        if (size > present) {
          if (size < UNKNOWN_LENGTH) {
            throw malformed(
                name,
                "data chunk declares "
                    + size
                    + " bytes, "
                    + present
                    + " present (file cut short?)");
          }
          size = present; // written to a pipe: the length was unknown, the data is the rest
        }
        int usable = (int) (size - size % format.frameBytes());
        return new AudioClip(
            Arrays.copyOfRange(bytes, body, body + usable), format.rate(), format.channels());
      }
      if (size > present) {
        throw malformed(
            name,
            chunkName(id) + " chunk runs past the end (" + size + " bytes, " + present + " left)");
      }
      if (id == FMT) {
        format = format(in, body, (int) size, name);
      }
      position = (int) Math.min(bytes.length, body + size + (size & 1));
    }
    throw malformed(name, "no data chunk");
  }

  private record Format(int channels, int rate) {
    int frameBytes() {
      return 2 * channels;
    }
  }

  private static Format format(ByteBuffer in, int body, int size, String name)
      throws WavFormatException {
    if (size < FMT_BYTES) {
      throw malformed(name, "fmt chunk of " + size + " bytes, at least " + FMT_BYTES + " needed");
    }
    int format = in.getShort(body) & 0xffff;
    int channels = in.getShort(body + 2) & 0xffff;
    long rate = Integer.toUnsignedLong(in.getInt(body + 4));
    int bits = in.getShort(body + 14) & 0xffff;
    if (format == WAVE_FORMAT_EXTENSIBLE) {
      if (size < FMT_EXTENSIBLE_BYTES) {
        throw malformed(
            name,
            "WAVE_FORMAT_EXTENSIBLE fmt chunk of "
                + size
                + " bytes, "
                + FMT_EXTENSIBLE_BYTES
                + " needed");
      }
      // The sub-format GUID starts with the format code it stands for.
      int subFormat = in.getShort(body + 24) & 0xffff;
      if (subFormat != WAVE_FORMAT_PCM) {
        throw malformed(
            name, "WAVE_FORMAT_EXTENSIBLE sub-format " + hex(subFormat) + " is not PCM (0x0001)");
      }
    } else if (format != WAVE_FORMAT_PCM) {
      throw malformed(name, "format " + hex(format) + " is not PCM (0x0001)");
    }
    if (bits != 16) {
      throw malformed(name, bits + " bits per sample; only 16-bit PCM is supported");
    }
    if (channels < 1 || channels > MAX_CHANNELS) {
      throw malformed(name, channels + " channels (1 to " + MAX_CHANNELS + " supported)");
    }
    if (rate < 1 || rate > MAX_SAMPLE_RATE) {
      throw malformed(name, "sample rate " + rate + " Hz (1 to " + MAX_SAMPLE_RATE + " supported)");
    }
    return new Format(channels, (int) rate);
  }

  private static String chunkName(int id) {
    StringBuilder out = new StringBuilder("'");
    for (int shift = 0; shift < 32; shift += 8) {
      int c = (id >>> shift) & 0xff;
      out.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
    }
    return out.append('\'').toString();
  }

  private static String hex(int value) {
    return String.format("0x%04x", value);
  }

  private static WavFormatException malformed(String name, String problem) {
    return new WavFormatException(name + ": " + problem);
  }
}
