package ai.voice.stt.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/** Encodes output messages as msgpack maps with the field names of PROTOCOL.md. */
public final class OutputEncoder {

  public byte[] encode(OutputMessage message) {
    try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
      switch (message) {
        case OutputMessage.Transcription t -> transcription(out, t);
        case OutputMessage.Interim i -> interim(out, i);
        case OutputMessage.Interrupt i -> interrupt(out, i);
        case OutputMessage.Turn t -> turn(out, t);
        case OutputMessage.Error e -> error(out, e);
      }
      return out.toByteArray();
    } catch (IOException e) {
      // A buffer packer writes to memory; an IOException here is a programming error.
      throw new UncheckedIOException(e);
    }
  }

  private static void transcription(MessagePacker out, OutputMessage.Transcription t)
      throws IOException {
    int size = 14;
    if (t.speakerId().isPresent()) {
      size++;
    }
    if (t.language().isPresent()) {
      size++;
    }
    if (t.endOfStream()) {
      size++;
    }
    if (t.endReason().isPresent()) {
      size++;
    }
    if (t.header().utteranceId().isPresent()) {
      size++;
    }
    Optional<OutputMessage.WordTiming> timing = t.heard().wordTiming();
    size += wordTimingFields(timing);
    out.packMapHeader(size);
    string(out, "type", "transcription");
    string(out, "session_id", t.sessionId());
    string(out, "transcript", t.transcript());
    out.packString("sequence").packLong(t.sequence());
    out.packString("is_partial").packBoolean(t.isPartial());
    out.packString("is_final").packBoolean(t.isFinal());
    out.packString("timestamp").packDouble(t.timestamp());
    if (t.speakerId().isPresent()) {
      string(out, "speaker_id", t.speakerId().get());
    }
    out.packString("has_voice_activity").packBoolean(t.hasVoiceActivity());
    string(out, "state", t.state().wireName());
    out.packString("audio_start").packDouble(t.audioStart());
    out.packString("audio_end").packDouble(t.audioEnd());
    if (t.language().isPresent()) {
      string(out, "language", t.language().get());
    }
    out.packString("processing_time").packDouble(t.processingTime());
    out.packString("queue_time").packDouble(t.queueTime());
    out.packString("segments").packArrayHeader(t.segments().size());
    for (OutputMessage.TimedText segment : t.segments()) {
      out.packMapHeader(3);
      string(out, "text", segment.text());
      out.packString("start").packDouble(segment.start());
      out.packString("end").packDouble(segment.end());
    }
    if (t.endOfStream()) {
      out.packString("end_of_stream").packBoolean(true);
    }
    if (t.endReason().isPresent()) {
      string(out, "end_reason", t.endReason().get());
    }
    if (t.header().utteranceId().isPresent()) {
      out.packString("utterance_id").packLong(t.header().utteranceId().getAsLong());
    }
    wordTiming(out, timing);
  }

  /** How many fields {@link #wordTiming} writes. */
  private static int wordTimingFields(Optional<OutputMessage.WordTiming> timing) {
    if (timing.isEmpty()) {
      return 0;
    }
    return 1
        + (timing.get().confidence().isPresent() ? 1 : 0)
        + (timing.get().speech().isPresent() ? 2 : 0);
  }

  /** {@code words}, {@code confidence} and {@code speech_start}/{@code speech_end}, where known. */
  private static void wordTiming(MessagePacker out, Optional<OutputMessage.WordTiming> timing)
      throws IOException {
    if (timing.isEmpty()) {
      return;
    }
    out.packString("words").packArrayHeader(timing.get().words().size());
    for (OutputMessage.TimedWord word : timing.get().words()) {
      out.packMapHeader(4);
      string(out, "word", word.word());
      out.packString("start").packDouble(word.start());
      out.packString("end").packDouble(word.end());
      out.packString("confidence").packDouble(word.confidence());
    }
    if (timing.get().confidence().isPresent()) {
      out.packString("confidence").packDouble(timing.get().confidence().getAsDouble());
    }
    if (timing.get().speech().isPresent()) {
      out.packString("speech_start").packDouble(timing.get().speech().get().start());
      out.packString("speech_end").packDouble(timing.get().speech().get().end());
    }
  }

  private static void interim(MessagePacker out, OutputMessage.Interim i) throws IOException {
    out.packMapHeader((i.speakerId().isPresent() ? 12 : 11) + wordTimingFields(i.wordTiming()));
    string(out, "type", "interim");
    string(out, "session_id", i.sessionId());
    out.packString("utterance_id").packLong(i.utteranceId());
    out.packString("revision").packInt(i.revision());
    string(out, "stable", i.stable());
    string(out, "unstable", i.unstable());
    string(out, "transcript", i.transcript());
    out.packString("timestamp").packDouble(i.timestamp());
    if (i.speakerId().isPresent()) {
      string(out, "speaker_id", i.speakerId().get());
    }
    string(out, "state", i.state().wireName());
    out.packString("audio_start").packDouble(i.audioStart());
    out.packString("audio_end").packDouble(i.audioEnd());
    wordTiming(out, i.wordTiming());
  }

  private static void interrupt(MessagePacker out, OutputMessage.Interrupt i) throws IOException {
    out.packMapHeader(i.speakerId().isPresent() ? 4 : 3);
    string(out, "session_id", i.sessionId());
    string(out, "type", "interrupt");
    out.packString("timestamp").packDouble(i.timestamp());
    if (i.speakerId().isPresent()) {
      string(out, "speaker_id", i.speakerId().get());
    }
  }

  private static void turn(MessagePacker out, OutputMessage.Turn t) throws IOException {
    out.packMapHeader(
        5 + (t.probability().isPresent() ? 1 : 0) + (t.speakerId().isPresent() ? 1 : 0));
    string(out, "session_id", t.sessionId());
    string(out, "type", t.event());
    out.packString("sequence").packLong(t.finalSequence());
    out.packString("early").packBoolean(t.early());
    if (t.probability().isPresent()) {
      out.packString("probability").packDouble(t.probability().getAsDouble());
    }
    out.packString("timestamp").packDouble(t.timestamp());
    if (t.speakerId().isPresent()) {
      string(out, "speaker_id", t.speakerId().get());
    }
  }

  private static void error(MessagePacker out, OutputMessage.Error e) throws IOException {
    out.packMapHeader(5);
    string(out, "session_id", e.sessionId());
    string(out, "type", "error");
    string(out, "code", e.code().wireName());
    string(out, "message", e.message());
    out.packString("timestamp").packDouble(e.timestamp());
  }

  private static void string(MessagePacker out, String key, String value) throws IOException {
    out.packString(key).packString(value);
  }
}
