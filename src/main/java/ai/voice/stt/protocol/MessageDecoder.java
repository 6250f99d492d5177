package ai.voice.stt.protocol;

import ai.voice.stt.recognizer.WhisperLanguages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Decodes one input payload into a {@link StreamMessage}, or says precisely why it cannot.
 *
 * <p>The payload is read field by field rather than materialised as a generic value tree: a hostile
 * header that claims millions of entries or a multi-gigabyte string is rejected from its length
 * alone, before anything is allocated. Unknown fields are skipped so that clients may send
 * extensions this version does not know.
 */
public final class MessageDecoder {
  // Every rate is resampled to 16 kHz by the session's AudioNormalizer; 44.1, 22.05 and 24 kHz
  // are what browsers (AudioContext), phones and CD-rate files produce.
  public static final Set<Integer> SUPPORTED_SAMPLE_RATES =
      Set.of(8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000);
  private static final int MAX_FIELDS = 64;
  private static final int MAX_STRING_BYTES = 4_096;

  private final int maxChunkBytes;

  public MessageDecoder(int maxChunkBytes) {
    this.maxChunkBytes = maxChunkBytes;
  }

  /**
   * @param subjectSessionId the last token of the subject the payload arrived on
   */
  public StreamMessage decode(byte[] payload, String subjectSessionId) throws ProtocolException {
    Fields fields = new Fields();
    try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(payload)) {
      readFields(unpacker, payload.length, fields);
      if (unpacker.hasNext()) {
        throw bad("trailing bytes after the message map");
      }
    } catch (ProtocolException e) {
      throw "start".equals(fields.type) ? e.ofStart() : e;
    } catch (MessagePackException | IOException e) {
      ProtocolException bad = bad("not valid msgpack: " + e.getMessage());
      throw "start".equals(fields.type) ? bad.ofStart() : bad;
    }
    if (fields.type == null) {
      throw bad("missing 'type' field");
    }
    return switch (fields.type) {
      case "start" -> {
        try {
          yield start(fields, subjectSessionId);
        } catch (ProtocolException e) {
          throw e.ofStart();
        }
      }
      case "chunk" -> chunk(fields);
      case "state_change" ->
          new StreamMessage.StateChange(
              fields.state == null ? SessionState.LISTENING : parseState(fields.state));
      case "end" -> new StreamMessage.End();
      default ->
          throw new ProtocolException(
              ErrorCode.UNKNOWN_TYPE,
              "unknown message type '"
                  + fields.type
                  + "' (expected start, chunk, state_change or end)");
    };
  }

  private StreamMessage.Start start(Fields fields, String subjectSessionId)
      throws ProtocolException {
    if (fields.sessionId != null && !fields.sessionId.equals(subjectSessionId)) {
      throw new ProtocolException(
          ErrorCode.SESSION_ID_MISMATCH,
          "session_id '"
              + fields.sessionId
              + "' does not match the subject's session id '"
              + subjectSessionId
              + "'");
    }
    int rate =
        fields.sampleRate == null ? StreamMessage.Start.DEFAULT_SAMPLE_RATE : fields.sampleRate;
    if (!SUPPORTED_SAMPLE_RATES.contains(rate)) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_SAMPLE_RATE,
          "sample_rate "
              + rate
              + " is not supported (use 8000, 16000, 22050, 24000, 32000, 44100 or 48000)");
    }
    int channels = fields.channels == null ? StreamMessage.Start.DEFAULT_CHANNELS : fields.channels;
    if (channels != 1 && channels != 2) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_CHANNELS,
          "channels " + channels + " is not supported (use 1 or 2)");
    }
    SessionState state = fields.state == null ? SessionState.LISTENING : parseState(fields.state);
    return new StreamMessage.Start(
        rate,
        channels,
        state,
        Optional.ofNullable(fields.speakerId),
        language(fields.language),
        Optional.ofNullable(fields.interimResults),
        fields.vocabulary == null ? List.of() : Vocabulary.validate(fields.vocabulary),
        Boolean.TRUE.equals(fields.wordTimestamps),
        Boolean.TRUE.equals(fields.turnEvents));
  }

  /**
   * The session's language: absent (the model's default) when not given or blank; otherwise a
   * language Whisper knows, as its code, so that a wrong one fails the {@code start}, not every
   * utterance after it.
   */
  private static Optional<String> language(String value) throws ProtocolException {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        WhisperLanguages.code(value)
            .orElseThrow(
                () ->
                    new ProtocolException(
                        ErrorCode.UNSUPPORTED_LANGUAGE,
                        "language '"
                            + value.strip()
                            + "' is not one Whisper knows (use an ISO 639-1 code such as 'en',"
                            + " 'de', 'fr', or leave it out to use the model's default)")));
  }

  private StreamMessage.Chunk chunk(Fields fields) throws ProtocolException {
    byte[] pcm;
    if (fields.audio != null) {
      pcm = fields.audio;
    } else if (fields.audioB64 != null) {
      if (fields.audioB64.length() / 4L * 3 > maxChunkBytes) {
        throw tooLarge(fields.audioB64.length() / 4L * 3);
      }
      try {
        // The basic decoder rejects anything outside the alphabet in one native-speed pass;
        // Python's b64encode, Node's Buffer and the nats CLI never insert line breaks.
        pcm = Base64.getDecoder().decode(fields.audioB64);
      } catch (IllegalArgumentException e) {
        throw new ProtocolException(
            ErrorCode.INVALID_BASE64, "audio_b64 is not valid base64: " + e.getMessage());
      }
    } else {
      throw bad("chunk has neither 'audio_b64' nor 'audio'");
    }
    if (pcm.length > maxChunkBytes) {
      throw tooLarge(pcm.length);
    }
    if (pcm.length % 2 != 0) {
      throw new ProtocolException(
          ErrorCode.INVALID_PCM_LENGTH,
          "chunk has " + pcm.length + " bytes, not a whole number of 16-bit samples");
    }
    OptionalDouble timestamp =
        fields.timestamp == null ? OptionalDouble.empty() : OptionalDouble.of(fields.timestamp);
    return new StreamMessage.Chunk(pcm, timestamp);
  }

  private ProtocolException tooLarge(long bytes) {
    return new ProtocolException(
        ErrorCode.CHUNK_TOO_LARGE,
        "chunk of " + bytes + " bytes exceeds the limit of " + maxChunkBytes + " bytes");
  }

  private static SessionState parseState(String value) throws ProtocolException {
    return SessionState.fromWire(value)
        .orElseThrow(
            () ->
                new ProtocolException(
                    ErrorCode.INVALID_STATE,
                    "state '" + value + "' is not 'listening' or 'responding'"));
  }

  /** The fields of the contract, each null until seen. */
  private static final class Fields {
    String type;
    String sessionId;
    Integer sampleRate;
    Integer channels;
    String state;
    String speakerId;
    String language;
    Boolean interimResults;
    Boolean turnEvents;
    List<String> vocabulary;
    Boolean wordTimestamps;
    String audioB64;
    byte[] audio;
    Double timestamp;
  }

  /** Reads the map into {@code fields}, which keep what was read when it fails. */
  private void readFields(MessageUnpacker in, int payloadLength, Fields fields)
      throws IOException, ProtocolException {
    if (!in.hasNext() || in.getNextFormat().getValueType() != ValueType.MAP) {
      throw bad("message is not a msgpack map");
    }
    int size = in.unpackMapHeader();
    if (size > MAX_FIELDS) {
      throw bad("message map has " + size + " entries (at most " + MAX_FIELDS + ")");
    }
    for (int i = 0; i < size; i++) {
      if (in.getNextFormat().getValueType() != ValueType.STRING) {
        throw bad("message map keys must be strings");
      }
      String key = readString(in, "key", MAX_STRING_BYTES, payloadLength);
      switch (key) {
        case "type" -> fields.type = readString(in, key, MAX_STRING_BYTES, payloadLength);
        case "session_id" ->
            fields.sessionId = readString(in, key, MAX_STRING_BYTES, payloadLength);
        case "sample_rate" -> fields.sampleRate = readInt(in, key);
        case "channels" -> fields.channels = readInt(in, key);
        case "state" -> fields.state = readString(in, key, MAX_STRING_BYTES, payloadLength);
        case "speaker_id" -> fields.speakerId = readOptionalString(in, key, payloadLength);
        case "language" -> fields.language = readOptionalString(in, key, payloadLength);
        case "interim_results" -> fields.interimResults = readOptionalBoolean(in, key);
        case "turn_events" -> fields.turnEvents = readOptionalBoolean(in, key);
        case "vocabulary" -> fields.vocabulary = readOptionalStrings(in, key, payloadLength);
        case "word_timestamps" -> fields.wordTimestamps = readOptionalBoolean(in, key);
        case "audio_b64" -> fields.audioB64 = readString(in, key, payloadLength, payloadLength);
        case "audio" -> fields.audio = readBinary(in, key, payloadLength);
        case "timestamp" -> fields.timestamp = readOptionalNumber(in, key);
        default -> in.skipValue();
      }
    }
  }

  private static String readString(
      MessageUnpacker in, String field, int maxBytes, int payloadLength)
      throws IOException, ProtocolException {
    if (in.getNextFormat().getValueType() != ValueType.STRING) {
      throw bad("field '" + field + "' must be a string");
    }
    int length = in.unpackRawStringHeader();
    if (length > maxBytes) {
      throw bad("field '" + field + "' is " + length + " bytes long (at most " + maxBytes + ")");
    }
    return new String(
        readPayload(in, field, length, payloadLength), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The {@code length} bytes a string or bin header declared, allocated only once they are known to
   * be in the payload: a header may claim any length up to 4 GiB in a few bytes.
   */
  private static byte[] readPayload(MessageUnpacker in, String field, int length, int payloadLength)
      throws IOException, ProtocolException {
    long left = payloadLength - in.getTotalReadBytes();
    if (length > left) {
      throw bad(
          "field '"
              + field
              + "' declares "
              + length
              + " bytes but the message has only "
              + left
              + " left");
    }
    return in.readPayload(length);
  }

  private static String readOptionalString(MessageUnpacker in, String field, int payloadLength)
      throws IOException, ProtocolException {
    if (in.getNextFormat() == MessageFormat.NIL) {
      in.unpackNil();
      return null;
    }
    return readString(in, field, MAX_STRING_BYTES, payloadLength);
  }

  /**
   * An array of strings, or null for nil. Its length and each string's are checked from their
   * headers, before anything is read; {@link Vocabulary#validate} checks the rest.
   */
  private static List<String> readOptionalStrings(
      MessageUnpacker in, String field, int payloadLength) throws IOException, ProtocolException {
    ValueType type = in.getNextFormat().getValueType();
    if (type == ValueType.NIL) {
      in.unpackNil();
      return null;
    }
    if (type != ValueType.ARRAY) {
      throw bad("field '" + field + "' must be an array of strings");
    }
    int size = in.unpackArrayHeader();
    if (size > Vocabulary.MAX_TERMS) {
      throw bad(
          "field '" + field + "' has " + size + " terms (at most " + Vocabulary.MAX_TERMS + ")");
    }
    List<String> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      if (in.getNextFormat().getValueType() != ValueType.STRING) {
        throw bad("field '" + field + "' must be an array of strings (item " + i + " is not)");
      }
      items.add(readString(in, field + "[" + i + "]", Vocabulary.MAX_BYTES, payloadLength));
    }
    return items;
  }

  private static Boolean readOptionalBoolean(MessageUnpacker in, String field)
      throws IOException, ProtocolException {
    return switch (in.getNextFormat().getValueType()) {
      case NIL -> {
        in.unpackNil();
        yield null;
      }
      case BOOLEAN -> in.unpackBoolean();
      default -> throw bad("field '" + field + "' must be true or false");
    };
  }

  private static int readInt(MessageUnpacker in, String field)
      throws IOException, ProtocolException {
    ValueType type = in.getNextFormat().getValueType();
    if (type == ValueType.INTEGER) {
      long value = in.unpackLong();
      if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw bad("field '" + field + "' is out of range");
      }
      return (int) value;
    }
    // Python clients sometimes send 16000.0; accept whole floats, reject fractions.
    if (type == ValueType.FLOAT) {
      double value = in.unpackDouble();
      if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
        return (int) value;
      }
    }
    throw bad("field '" + field + "' must be an integer");
  }

  private static Double readOptionalNumber(MessageUnpacker in, String field)
      throws IOException, ProtocolException {
    ValueType type = in.getNextFormat().getValueType();
    return switch (type) {
      case NIL -> {
        in.unpackNil();
        yield null;
      }
      case INTEGER -> (double) in.unpackLong();
      case FLOAT -> in.unpackDouble();
      default -> throw bad("field '" + field + "' must be a number");
    };
  }

  private byte[] readBinary(MessageUnpacker in, String field, int payloadLength)
      throws IOException, ProtocolException {
    if (in.getNextFormat().getValueType() != ValueType.BINARY) {
      throw bad("field '" + field + "' must be msgpack bin");
    }
    int length = in.unpackBinaryHeader();
    if (length > maxChunkBytes) {
      throw tooLarge(length);
    }
    return readPayload(in, field, length, payloadLength);
  }

  private static ProtocolException bad(String message) {
    return new ProtocolException(ErrorCode.BAD_MESSAGE, message);
  }
}
