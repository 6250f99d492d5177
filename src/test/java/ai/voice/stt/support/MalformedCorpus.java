package ai.voice.stt.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Hostile input messages, each named {@code <expected error code>--<what it is>}: wrong types, huge
 * maps, deep nesting, giant strings, truncated msgpack, bytes that are not PCM or not msgpack at
 * all. The files under {@link #DIRECTORY} are the seed corpus of MessageDecoderFuzzTest (Jazzer
 * replays them in every test run) and what MalformedInputOverNatsTest sends to the service; {@link
 * #generate()} is how they were made (MalformedCorpusTest keeps the two equal).
 */
public final class MalformedCorpus {
  /** Jazzer's regression inputs for MessageDecoderFuzzTest#decodeAnyPayload. */
  public static final Path DIRECTORY =
      Path.of(
          "src/test/resources/ai/voice/stt/protocol/MessageDecoderFuzzTestInputs/decodeAnyPayload");

  /** One hostile message. */
  public record Entry(String name, byte[] payload) {
    /** The error code the service must answer with: the part of the name before "--". */
    public String expectedCode() {
      return name.substring(0, name.indexOf("--"));
    }
  }

  private MalformedCorpus() {}

  /** The committed corpus: every file of {@link #DIRECTORY} named {@code code--description}. */
  public static List<Entry> load() {
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      return files
          .filter(f -> f.getFileName().toString().contains("--"))
          .sorted()
          .map(MalformedCorpus::read)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Entry read(Path file) {
    try {
      return new Entry(file.getFileName().toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How the corpus is made. */
  public static List<Entry> generate() throws IOException {
    List<Entry> corpus = new ArrayList<>();
    // Not msgpack, or not a map.
    corpus.add(new Entry("bad_message--empty-payload", new byte[0]));
    corpus.add(new Entry("bad_message--nil", new byte[] {(byte) 0xc0}));
    corpus.add(new Entry("bad_message--never-used-byte-0xc1", new byte[] {(byte) 0xc1, 0, 0}));
    corpus.add(
        new Entry("bad_message--json-text", ascii("{\"type\":\"chunk\",\"audio_b64\":\"\"}")));
    corpus.add(new Entry("bad_message--array-holding-a-valid-start", array(start())));
    corpus.add(new Entry("bad_message--wav-file-header", wavHeader()));
    corpus.add(new Entry("bad_message--ogg-page-header", ascii("OggS\0\2\0\0\0\0\0\0\0\0")));
    corpus.add(
        new Entry("bad_message--gzip-header", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0}));
    corpus.add(new Entry("bad_message--trailing-bytes-after-the-map", concat(end(), ascii("xx"))));
    // Wrong types.
    corpus.add(new Entry("bad_message--type-is-an-integer", map(w -> w.str("type").integer(5))));
    corpus.add(new Entry("bad_message--type-is-nil", map(w -> w.str("type").nil())));
    corpus.add(
        new Entry("bad_message--no-type-field", map(w -> w.str("sample_rate").integer(16000))));
    corpus.add(new Entry("bad_message--integer-key", map(w -> w.integer(1).str("start"))));
    corpus.add(
        new Entry(
            "bad_message--sample-rate-is-a-string",
            map(w -> w.str("type").str("start").str("sample_rate").str("fast"))));
    corpus.add(
        new Entry(
            "bad_message--channels-is-a-fraction",
            map(w -> w.str("type").str("start").str("channels").dbl(1.5))));
    corpus.add(
        new Entry(
            "bad_message--sample-rate-beyond-int",
            map(w -> w.str("type").str("start").str("sample_rate").integer(1L << 40))));
    corpus.add(
        new Entry(
            "bad_message--audio-is-a-string",
            map(w -> w.str("type").str("chunk").str("audio").str("AAAA"))));
    corpus.add(
        new Entry(
            "bad_message--audio-b64-is-binary",
            map(w -> w.str("type").str("chunk").str("audio_b64").bin(new byte[4]))));
    corpus.add(
        new Entry(
            "bad_message--state-is-a-map",
            map(w -> w.str("type").str("state_change").str("state").mapHeader(0))));
    corpus.add(
        new Entry(
            "bad_message--timestamp-is-a-string",
            map(
                w ->
                    w.str("type")
                        .str("chunk")
                        .str("audio")
                        .bin(new byte[2])
                        .str("timestamp")
                        .str("now"))));
    corpus.add(
        new Entry(
            "bad_message--speaker-id-is-an-integer",
            map(w -> w.str("type").str("start").str("speaker_id").integer(7))));
    corpus.add(new Entry("bad_message--chunk-without-audio", map(w -> w.str("type").str("chunk"))));
    // Huge maps.
    corpus.add(
        new Entry("bad_message--map32-claiming-4-billion-entries", header(0xdf, 0xffffffffL, 4)));
    corpus.add(new Entry("bad_message--map-of-65-entries", bigMap(65)));
    corpus.add(
        new Entry(
            "bad_message--map-claiming-more-entries-than-sent",
            concat(new byte[] {(byte) 0x8a}, Arrays.copyOfRange(end(), 1, end().length))));
    // Deep nesting.
    corpus.add(new Entry("bad_message--20000-nested-arrays", nested(20_000)));
    corpus.add(
        new Entry(
            "bad_message--type-is-20000-nested-arrays",
            concat(map(w -> w.mapHeaderOnly(1).str("type")), nested(20_000))));
    corpus.add(
        new Entry(
            "bad_message--chunk-without-audio-behind-deeply-nested-unknown-field",
            concat(
                map(w -> w.mapHeaderOnly(2).str("type").str("chunk").str("x")), nested(20_000))));
    // Giant strings.
    corpus.add(
        new Entry(
            "bad_message--type-claims-2-gib",
            concat(map(w -> w.mapHeaderOnly(1).str("type")), header(0xdb, Integer.MAX_VALUE, 4))));
    corpus.add(
        new Entry(
            "bad_message--audio-b64-claims-4-gib",
            concat(
                map(w -> w.mapHeaderOnly(2).str("type").str("chunk").str("audio_b64")),
                header(0xdb, 0xffffffffL, 4))));
    corpus.add(
        new Entry(
            "bad_message--speaker-id-of-8-kib",
            map(w -> w.str("type").str("start").str("speaker_id").str("x".repeat(8192)))));
    corpus.add(
        new Entry(
            "chunk_too_large--audio-bin-claims-2-gib",
            concat(
                map(w -> w.mapHeaderOnly(2).str("type").str("chunk").str("audio")),
                header(0xc6, Integer.MAX_VALUE, 4))));
    // Within the chunk limit, but more than the message holds: refused before it is allocated.
    corpus.add(
        new Entry(
            "bad_message--audio-bin-claims-more-than-sent",
            concat(
                map(w -> w.mapHeaderOnly(2).str("type").str("chunk").str("audio")),
                header(0xc6, 64_000, 4),
                new byte[16])));
    // Truncated msgpack.
    byte[] start = start();
    for (int cut : new int[] {1, 2, 7, start.length / 2, start.length - 1}) {
      corpus.add(
          new Entry("bad_message--start-cut-after-" + cut + "-bytes", Arrays.copyOf(start, cut)));
    }
    byte[] chunk = map(w -> w.str("type").str("chunk").str("audio").bin(new byte[640]));
    corpus.add(new Entry("bad_message--chunk-cut-inside-its-audio", Arrays.copyOf(chunk, 300)));
    // Audio that is not PCM16 of the session's format, or not base64.
    corpus.add(
        new Entry(
            "invalid_pcm_length--odd-number-of-bytes",
            map(w -> w.str("type").str("chunk").str("audio").bin(new byte[641]))));
    corpus.add(
        new Entry(
            "invalid_base64--audio-b64-with-punctuation",
            map(w -> w.str("type").str("chunk").str("audio_b64").str("AAAA!!!!"))));
    corpus.add(
        new Entry(
            "invalid_base64--audio-b64-is-a-wav-file-as-text",
            map(
                w ->
                    w.str("type")
                        .str("chunk")
                        .str("audio_b64")
                        .str(new String(wavHeader(), StandardCharsets.ISO_8859_1)))));
    corpus.add(
        new Entry(
            "invalid_pcm_length--base64-of-three-bytes",
            map(
                w ->
                    w.str("type")
                        .str("chunk")
                        .str("audio_b64")
                        .str(Base64.getEncoder().encodeToString(new byte[3])))));
    // Contract values out of range.
    corpus.add(new Entry("unknown_type--pause", map(w -> w.str("type").str("pause"))));
    corpus.add(
        new Entry(
            "unknown_type--type-is-invalid-utf8",
            concat(
                map(w -> w.mapHeaderOnly(1).str("type")),
                new byte[] {(byte) 0xa2, (byte) 0xff, (byte) 0xfe})));
    corpus.add(
        new Entry(
            "unsupported_sample_rate--negative",
            map(w -> w.str("type").str("start").str("sample_rate").integer(-16000))));
    corpus.add(
        new Entry(
            "unsupported_sample_rate--11025",
            map(w -> w.str("type").str("start").str("sample_rate").integer(11025))));
    corpus.add(
        new Entry(
            "unsupported_channels--zero",
            map(w -> w.str("type").str("start").str("channels").integer(0))));
    corpus.add(
        new Entry(
            "invalid_state--sleeping",
            map(w -> w.str("type").str("state_change").str("state").str("sleeping"))));
    corpus.add(
        new Entry(
            "session_id_mismatch--someone-else",
            map(w -> w.str("type").str("start").str("session_id").str("someone-else"))));
    return corpus;
  }

  /** Writes the generated corpus into {@link #DIRECTORY}. */
  public static void write() throws IOException {
    Files.createDirectories(DIRECTORY);
    for (Entry e : generate()) {
      Files.write(DIRECTORY.resolve(e.name()), e.payload());
    }
  }

  private static byte[] start() throws IOException {
    return map(
        w ->
            w.str("type")
                .str("start")
                .str("sample_rate")
                .integer(16000)
                .str("channels")
                .integer(1)
                .str("state")
                .str("listening"));
  }

  private static byte[] end() throws IOException {
    return map(w -> w.str("type").str("end"));
  }

  private static byte[] bigMap(int entries) throws IOException {
    MessageBufferPacker out = MessagePack.newDefaultBufferPacker();
    out.packMapHeader(entries);
    out.packString("type").packString("start");
    for (int i = 1; i < entries; i++) {
      out.packString("k" + i).packInt(i);
    }
    return out.toByteArray();
  }

  private static byte[] array(byte[] element) {
    return concat(new byte[] {(byte) 0x91}, element);
  }

  /** {@code depth} one-element arrays inside each other, around nil. */
  private static byte[] nested(int depth) {
    byte[] out = new byte[depth + 1];
    Arrays.fill(out, 0, depth, (byte) 0x91);
    out[depth] = (byte) 0xc0;
    return out;
  }

  /** A msgpack header byte followed by a big-endian length, and a few bytes of "content". */
  private static byte[] header(int marker, long length, int contentBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(marker);
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write((int) (length >>> shift) & 0xff);
    }
    out.writeBytes(new byte[contentBytes]);
    return out.toByteArray();
  }

  private static byte[] wavHeader() {
    return concat(
        ascii("RIFF"),
        new byte[] {36, 0, 0, 0},
        ascii("WAVEfmt "),
        new byte[] {16, 0, 0, 0, 1, 0, 1, 0, (byte) 0x80, 0x3e, 0, 0, 0, 0x7d, 0, 0, 2, 0, 16, 0},
        ascii("data"),
        new byte[4]);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Writes map entries; the header is the number of key/value pairs written unless set. */
  private interface Body {
    void write(Writer w) throws IOException;
  }

  private static byte[] map(Body body) throws IOException {
    Writer w = new Writer();
    body.write(w);
    return w.toMap();
  }

  /** A tiny msgpack writer that counts values, so maps get their header from what was written. */
  private static final class Writer {
    private final MessageBufferPacker out = MessagePack.newDefaultBufferPacker();
    private int values;
    private boolean rawHeader;

    Writer str(String s) throws IOException {
      out.packString(s);
      values++;
      return this;
    }

    Writer integer(long i) throws IOException {
      out.packLong(i);
      values++;
      return this;
    }

    Writer dbl(double d) throws IOException {
      out.packDouble(d);
      values++;
      return this;
    }

    Writer nil() throws IOException {
      out.packNil();
      values++;
      return this;
    }

    Writer bin(byte[] b) throws IOException {
      out.packBinaryHeader(b.length).writePayload(b);
      values++;
      return this;
    }

    Writer mapHeader(int size) throws IOException {
      out.packMapHeader(size);
      values++;
      return this;
    }

    /** The caller writes the map header itself (for maps whose last value is appended raw). */
    Writer mapHeaderOnly(int size) throws IOException {
      out.packMapHeader(size);
      rawHeader = true;
      return this;
    }

    byte[] toMap() throws IOException {
      if (rawHeader) {
        return out.toByteArray();
      }
      MessageBufferPacker map = MessagePack.newDefaultBufferPacker();
      map.packMapHeader(values / 2);
      map.writePayload(out.toByteArray());
      return map.toByteArray();
    }
  }
}
