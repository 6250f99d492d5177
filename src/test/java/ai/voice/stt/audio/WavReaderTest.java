package ai.voice.stt.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@link WavReader#parse} accepts (16-bit PCM in plain or WAVE_FORMAT_EXTENSIBLE headers, the
 * unknown-length data chunk of a WAV written to a pipe) and that every malformed header is a {@link
 * WavFormatException} that names the problem, never an arithmetic or index exception.
 */
class WavReaderTest {
  private static final byte[] PCM = {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0};

  @Test
  void readsWhatWavWriterWrites() throws Exception {
    AudioClip clip = WavReader.parse(WavWriter.wrap(PCM, 16_000, 2), "x");
    assertEquals(16_000, clip.sampleRate());
    assertEquals(2, clip.channels());
    assertArrayEquals(PCM, clip.pcm());
  }

  @Test
  void skipsOtherChunksAndTheirPadByte() throws Exception {
    byte[] wav =
        new Wav()
            .fmt(1, 1, 16_000, 16)
            .chunk("LIST", new byte[] {'a', 'b', 'c'}) // odd size: one pad byte follows
            .raw(new byte[] {0})
            .data(PCM.length, PCM)
            .bytes();
    assertArrayEquals(PCM, WavReader.parse(wav, "x").pcm());
  }

  @Test
  void aDataChunkOfUnknownLengthTakesTheRest() throws Exception {
    // sox writing to a pipe declares 0x7ffff000, ffmpeg 0xffffffff.
    for (int placeholder : new int[] {0x7ffff000, 0x7fffffff, 0xffffffff}) {
      byte[] wav = new Wav().fmt(1, 1, 16_000, 16).data(placeholder, PCM).bytes();
      assertArrayEquals(PCM, WavReader.parse(wav, "x").pcm(), Integer.toHexString(placeholder));
    }
  }

  @Test
  void anOddByteOrAPartialFrameAtTheEndIsDropped() throws Exception {
    byte[] pcm = Arrays.copyOf(PCM, 7);
    AudioClip clip = WavReader.parse(new Wav().fmt(1, 2, 8_000, 16).data(7, pcm).bytes(), "x");
    assertArrayEquals(Arrays.copyOf(PCM, 4), clip.pcm());
  }

  @Test
  void acceptsWaveFormatExtensibleWithThePcmSubFormat() throws Exception {
    byte[] wav = new Wav().extensible(2, 48_000, 16, 0x0001).data(PCM.length, PCM).bytes();
    AudioClip clip = WavReader.parse(wav, "x");
    assertEquals(48_000, clip.sampleRate());
    assertEquals(2, clip.channels());
    assertArrayEquals(PCM, clip.pcm());
  }

  @Test
  void zeroChannels() {
    rejected("0 channels", new Wav().fmt(1, 0, 16_000, 16).data(PCM.length, PCM));
  }

  @Test
  void absurdChannelCounts() {
    rejected("65535 channels", new Wav().fmt(1, 0xffff, 16_000, 16).data(PCM.length, PCM));
    rejected("19 channels", new Wav().fmt(1, 19, 16_000, 16).data(PCM.length, PCM));
  }

  @Test
  void zeroSampleRate() {
    rejected("sample rate 0", new Wav().fmt(1, 1, 0, 16).data(PCM.length, PCM));
  }

  @Test
  void absurdSampleRates() {
    rejected("sample rate 4294967295", new Wav().fmt(1, 1, -1, 16).data(PCM.length, PCM));
    rejected("sample rate 2147483647", new Wav().fmt(1, 1, 0x7fffffff, 16).data(PCM.length, PCM));
  }

  @Test
  void bitsPerSampleOtherThan16() {
    for (int bits : new int[] {0, 8, 24, 32}) {
      rejected(bits + " bits per sample", new Wav().fmt(1, 1, 16_000, bits).data(4, PCM));
    }
  }

  @Test
  void formatsOtherThanPcm() {
    rejected("format 0x0003", new Wav().fmt(3, 1, 16_000, 16).data(PCM.length, PCM));
    rejected("sub-format 0x0003", new Wav().extensible(1, 16_000, 16, 3).data(PCM.length, PCM));
  }

  @Test
  void fmtChunkCutOffByTheEndOfTheFile() {
    byte[] whole = new Wav().fmt(1, 1, 16_000, 16).bytes();
    for (int length = 12; length < whole.length; length++) {
      byte[] cut = Arrays.copyOf(whole, length);
      WavFormatException e =
          assertThrows(WavFormatException.class, () -> WavReader.parse(cut, "x"), "" + length);
      assertTrue(e.getMessage().startsWith("x: "), e.getMessage());
    }
    rejected("'fmt ' chunk runs past the end", new Wav().chunk("fmt ", 16, new byte[6]));
  }

  @Test
  void fmtChunkShorterThanItsSixteenFields() {
    byte[] eight = Arrays.copyOf(new Wav().fmt(1, 1, 16_000, 16).bytes(), 28);
    ByteBuffer.wrap(eight).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 8);
    rejected("fmt chunk of 8 bytes", new Wav().raw(Arrays.copyOfRange(eight, 12, 28)).data(4, PCM));
    // WAVE_FORMAT_EXTENSIBLE needs 40 bytes for its sub-format.
    byte[] sixteen = new Wav().fmt(0xfffe, 1, 16_000, 16).data(4, PCM).bytes();
    rejected("WAVE_FORMAT_EXTENSIBLE fmt chunk of 16 bytes", sixteen);
  }

  @Test
  void dataChunkSizePastTheEnd() {
    rejected(
        "data chunk declares 1000 bytes, 16 present",
        new Wav().fmt(1, 1, 16_000, 16).data(1000, PCM));
  }

  @Test
  void otherChunkSizePastTheEnd() {
    rejected(
        "'LIST' chunk runs past the end",
        new Wav().fmt(1, 1, 16_000, 16).chunk("LIST", 0x7ffffff0, new byte[4]));
    rejected("'LIST' chunk runs past the end", new Wav().chunk("LIST", -2, new byte[4]));
  }

  @Test
  void dataBeforeFmt() {
    rejected("data chunk before fmt chunk", new Wav().data(PCM.length, PCM));
  }

  @Test
  void noDataChunk() {
    rejected("no data chunk", new Wav().fmt(1, 1, 16_000, 16));
  }

  @Test
  void notRiffWave() {
    rejected("not a RIFF/WAVE file", "hello".getBytes(StandardCharsets.US_ASCII));
    rejected("not a RIFF/WAVE file", new byte[0]);
  }

  @Test
  void fuzzSeedsBehaveAsTheirNamesSay() throws Exception {
    // WavReaderFuzzTest's seeds: valid--* parse, malformed--* are refused.
    Path seeds =
        Path.of(WavReaderTest.class.getResource("WavReaderFuzzTestInputs/parseAnyBytes").toURI());
    List<Path> files;
    try (Stream<Path> listing = Files.list(seeds)) {
      files = listing.sorted().toList();
    }
    assertTrue(files.size() >= 10, "seeds: " + files);
    for (Path file : files) {
      String name = file.getFileName().toString();
      byte[] bytes = Files.readAllBytes(file);
      if (name.startsWith("valid--")) {
        WavReader.parse(bytes, name);
      } else if (name.startsWith("malformed--")) {
        assertThrows(WavFormatException.class, () -> WavReader.parse(bytes, name), name);
      }
    }
  }

  private static void rejected(String words, Wav wav) {
    rejected(words, wav.bytes());
  }

  private static void rejected(String words, byte[] bytes) {
    WavFormatException e =
        assertThrows(WavFormatException.class, () -> WavReader.parse(bytes, "upload.wav"));
    assertTrue(e.getMessage().startsWith("upload.wav: "), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  /** RIFF/WAVE bytes with exactly the header fields a test wants, right or wrong. */
  private static final class Wav {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Wav fmt(int format, int channels, int rate, int bits) {
      ByteBuffer b = le(16);
      b.putShort((short) format).putShort((short) channels).putInt(rate);
      b.putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) bits);
      return chunk("fmt ", 16, b.array());
    }

    Wav extensible(int channels, int rate, int bits, int subFormat) {
      ByteBuffer b = le(40);
      b.putShort((short) 0xfffe).putShort((short) channels).putInt(rate);
      b.putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) bits);
      b.putShort((short) 22).putShort((short) bits).putInt(0); // cbSize, valid bits, channel mask
      // KSDATAFORMAT_SUBTYPE_*: the format code, then 00000000-0010-8000-00aa00389b71.
      b.putInt(subFormat).putShort((short) 0).putShort((short) 0x0010);
      b.put(new byte[] {(byte) 0x80, 0, 0, (byte) 0xaa, 0, 0x38, (byte) 0x9b, 0x71});
      return chunk("fmt ", 40, b.array());
    }

    Wav data(int declaredSize, byte[] content) {
      return chunk("data", declaredSize, content);
    }

    Wav chunk(String id, byte[] content) {
      return chunk(id, content.length, content);
    }

    Wav chunk(String id, int declaredSize, byte[] content) {
      body.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(le(4).putInt(declaredSize).array());
      body.writeBytes(content);
      return this;
    }

    Wav raw(byte[] bytes) {
      body.writeBytes(bytes);
      return this;
    }

    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(le(4).putInt(4 + body.size()).array());
      out.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(body.toByteArray());
      return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
      return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
