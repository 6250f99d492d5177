package ai.voice.stt.jmh;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.client.Msgpack;
import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-chunk work of the ingest path on real speech (fixtures/corpus/austen_0870.wav, 16 kHz,
 * and its 48 kHz stereo variant), one 20 ms chunk per operation: msgpack decode + base64, and
 * resampling + down-mix + 30 ms WebRTC VAD frames. Run with scripts/jmh.sh; single thread, so the
 * score is chunks per second per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IngestBenchmark {
  private List<byte[]> payloads16k;
  private List<byte[]> pcm48kStereo;
  private List<byte[]> pcm16k;
  private MessageDecoder decoder;
  private SpeechDetector vad;
  private int next;

  @Setup(Level.Trial)
  public void load() throws IOException {
    Path fixtures = Path.of(System.getProperty("stt.test.fixtures", "fixtures"));
    AudioClip mono = WavReader.read(fixtures.resolve("corpus/austen_0870.wav"));
    AudioClip stereo = WavReader.read(fixtures.resolve("variants/austen_0870_48k_stereo.wav"));
    pcm16k = chunks(mono);
    pcm48kStereo = chunks(stereo);
    payloads16k = new ArrayList<>();
    for (byte[] chunk : pcm16k) {
      payloads16k.add(
          Msgpack.pack(
              Map.of(
                  "type",
                  "chunk",
                  "audio_b64",
                  Base64.getEncoder().encodeToString(chunk),
                  "timestamp",
                  1.7e9)));
    }
    decoder = new MessageDecoder(1 << 20);
    vad = new WebRtcSpeechDetectorFactory(2).create();
  }

  @TearDown(Level.Trial)
  public void close() {
    vad.close();
  }

  private static List<byte[]> chunks(AudioClip clip) {
    int size = clip.bytesPerMillis(20);
    List<byte[]> out = new ArrayList<>();
    for (int offset = 0; offset + size <= clip.pcm().length; offset += size) {
      out.add(Arrays.copyOfRange(clip.pcm(), offset, offset + size));
    }
    return out;
  }

  /** msgpack map + base64 of one 20 ms 16 kHz chunk. */
  @Benchmark
  public StreamMessage decodeChunk() throws ProtocolException {
    next = (next + 1) % payloads16k.size();
    return decoder.decode(payloads16k.get(next), "bench");
  }

  /** Decode, then VAD on the chunk's audio (a 30 ms frame every 1.5 chunks). */
  @Benchmark
  public void decodeAndVad(Blackhole hole) throws ProtocolException {
    next = (next + 1) % payloads16k.size();
    StreamMessage.Chunk chunk = (StreamMessage.Chunk) decoder.decode(payloads16k.get(next), "b");
    short[] samples = ai.voice.stt.audio.Pcm16.toMono(chunk.pcm(), 1);
    short[] frame = Arrays.copyOf(samples, SpeechDetector.FRAME_SAMPLES);
    hole.consume(vad.isSpeech(frame));
  }

  /** Down-mix and resample one 20 ms 48 kHz stereo chunk to 16 kHz mono. */
  @Benchmark
  public short[] resample48kStereo(ResamplerState state) {
    next = (next + 1) % pcm48kStereo.size();
    return state.normalizer.normalize(pcm48kStereo.get(next));
  }

  /** A session's resampler keeps filter state across chunks, as in the service. */
  @State(Scope.Thread)
  public static class ResamplerState {
    AudioNormalizer normalizer = new AudioNormalizer(48_000, 2);
  }
}
