package ai.voice.stt.cluster;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.session.SessionCheckpoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON values of the routing buckets (readable with {@code nats kv get}): a session's
 * checkpoint, and a replica's heartbeat.
 */
final class CheckpointCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointCodec() {}

  static byte[] encode(SessionCheckpoint c) {
    ObjectNode node = JSON.createObjectNode();
    node.put("owner", c.owner());
    node.put("resume_seq", c.resumeSeq());
    node.put("last_seq", c.lastSeq());
    node.put("timeline", c.timeline());
    node.put("accepted_frames", c.acceptedFrames());
    node.put("covered", c.covered());
    node.put("sequence", c.sequence());
    node.put("outputs", c.outputs());
    node.put("state", c.state().wireName());
    node.put("sample_rate", c.settings().sampleRate());
    node.put("channels", c.settings().channels());
    c.settings().speakerId().ifPresent(s -> node.put("speaker_id", s));
    c.settings().language().ifPresent(s -> node.put("language", s));
    c.settings().interimResults().ifPresent(b -> node.put("interim_results", b));
    if (c.settings().wordTimestamps()) {
      node.put("word_timestamps", true);
    }
    if (c.settings().turnEvents()) {
      node.put("turn_events", true);
    }
    if (!c.settings().vocabulary().isEmpty()) {
      // The session's hint goes with it: a replica that takes it over prompts the same way.
      c.settings().vocabulary().forEach(node.putArray("vocabulary")::add);
    }
    node.put("received_audio", c.receivedAudio());
    node.put("opened_ms", c.openedEpochMillis());
    return bytes(node);
  }

  static SessionCheckpoint decode(byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    if (n == null || !n.isObject()) {
      throw new IOException("a session checkpoint must be a JSON object");
    }
    StreamMessage.Start settings =
        new StreamMessage.Start(
            n.path("sample_rate").asInt(StreamMessage.Start.DEFAULT_SAMPLE_RATE),
            n.path("channels").asInt(StreamMessage.Start.DEFAULT_CHANNELS),
            SessionState.fromWire(n.path("state").asText()).orElse(SessionState.LISTENING),
            text(n, "speaker_id"),
            text(n, "language"),
            n.path("interim_results").isBoolean()
                ? java.util.Optional.of(n.path("interim_results").asBoolean())
                : java.util.Optional.empty(),
            texts(n, "vocabulary"),
            n.path("word_timestamps").asBoolean(false),
            n.path("turn_events").asBoolean(false));
    return new SessionCheckpoint(
        n.path("owner").asText(""),
        n.path("resume_seq").asLong(),
        n.path("last_seq").asLong(),
        n.path("timeline").asLong(),
        n.path("accepted_frames").asLong(),
        n.path("covered").asLong(),
        n.path("sequence").asLong(),
        n.path("outputs").asLong(),
        settings.state(),
        settings,
        n.path("received_audio").asBoolean(),
        n.path("opened_ms").asLong(System.currentTimeMillis()));
  }

  /** A replica's heartbeat: how many sessions it holds and whether it is handing them over. */
  record Heartbeat(String replica, int sessions, boolean draining) {}

  static byte[] encode(Heartbeat h) {
    ObjectNode node = JSON.createObjectNode();
    node.put("replica", h.replica());
    node.put("sessions", h.sessions());
    node.put("draining", h.draining());
    return bytes(node);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON object of strings and numbers did not encode", e);
    }
  }

  static Heartbeat decodeHeartbeat(String key, byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    if (n == null || !n.isObject()) {
      throw new IOException("a replica heartbeat must be a JSON object");
    }
    return new Heartbeat(
        n.path("replica").asText(key), n.path("sessions").asInt(), n.path("draining").asBoolean());
  }

  /** An array of strings; empty when absent (checkpoints written before the field existed). */
  private static List<String> texts(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      return List.of();
    }
    List<String> items = new ArrayList<>(v.size());
    v.forEach(item -> items.add(item.asText()));
    return items;
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  /**
   * A session key holding a refusal instead of a checkpoint: the session was refused ({@code code})
   * by {@code replica}, which answered it, and its input up to stream sequence {@code afterSeq} is
   * never to be transcribed; a new attempt replays from its {@code start} after that.
   */
  record Refusal(String code, String replica, long afterSeq, long refusedEpochMillis) {}

  static byte[] encode(Refusal r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("refused", r.code());
    node.put("replica", r.replica());
    node.put("after_seq", r.afterSeq());
    node.put("refused_ms", r.refusedEpochMillis());
    return bytes(node);
  }

  /** The refusal a session key holds; empty for a checkpoint. */
  static Optional<Refusal> decodeRefusal(byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    if (n == null || !n.isObject()) {
      throw new IOException("a session key must hold a JSON object");
    }
    if (!n.hasNonNull("refused")) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(
            n.path("refused").asText(),
            n.path("replica").asText(""),
            n.path("after_seq").asLong(),
            n.path("refused_ms").asLong()));
  }
}
