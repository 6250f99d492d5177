package ai.voice.stt.client;

import static ai.voice.stt.transport.JetStreamErrors.NO_MESSAGE;
import static ai.voice.stt.transport.JetStreamErrors.NO_STREAM;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a session published, as the service's results stream keeps it (with replicas, every message
 * on a session's output subject is stored in {@code <STT_JETSTREAM_STREAM>_RESULTS}; docs/
 * protocol.md, <i>Missed output</i>). A client reads it after its own connection was down, since
 * core NATS delivers only to the subscriptions present when a message arrives.
 */
final class KeptOutputs {

  private final JetStreamManagement jsm;
  private final String stream;

  private KeptOutputs(JetStreamManagement jsm, String stream) {
    this.jsm = jsm;
    this.stream = stream;
  }

  /** The stream's reader, or null when the server has no such stream (or no JetStream) now. */
  static KeptOutputs of(Connection connection, String stream) {
    try {
      JetStreamManagement jsm = connection.jetStreamManagement();
      jsm.getStreamInfo(stream);
      return new KeptOutputs(jsm, stream);
    } catch (IOException | JetStreamApiException e) {
      return null;
    }
  }

  /**
   * The payloads kept for {@code subject}, oldest first; empty when the service keeps no stream.
   *
   * @throws IOException when the stream cannot be read now (JetStream not ready after a restart, no
   *     leader): the caller tries again
   */
  List<byte[]> read(String subject) throws IOException {
    List<byte[]> kept = new ArrayList<>();
    long seq = 1;
    try {
      while (true) {
        Optional<MessageInfo> m = next(seq, subject);
        if (m.isEmpty()) {
          return kept;
        }
        kept.add(m.get().getData());
        seq = m.get().getSeq() + 1;
      }
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_STREAM) {
        return List.of();
      }
      throw new IOException("stream " + stream + ": " + e.getMessage(), e);
    }
  }

  private Optional<MessageInfo> next(long seq, String subject)
      throws IOException, JetStreamApiException {
    try {
      return Optional.of(jsm.getNextMessage(stream, seq, subject));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
