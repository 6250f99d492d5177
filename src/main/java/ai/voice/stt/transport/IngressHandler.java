package ai.voice.stt.transport;

import ai.voice.stt.protocol.MessageDecoder;
import ai.voice.stt.protocol.ProtocolException;
import ai.voice.stt.session.SessionRegistry;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one raw input message into a routed session message or an error result. Runs on the NATS
 * dispatcher thread, so it only decodes and enqueues; it never blocks on inference.
 */
public final class IngressHandler {
  private static final Logger log = LoggerFactory.getLogger(IngressHandler.class);

  private final MessageDecoder decoder;
  private final SessionRegistry sessions;
  private final UnaryOperator<String> sessionIdOf;

  /** Session ids are the subject's last token (the wire contract). */
  public IngressHandler(MessageDecoder decoder, SessionRegistry sessions) {
    this(decoder, sessions, subject -> subject.substring(subject.lastIndexOf('.') + 1));
  }

  /**
   * @param sessionIdOf the session id of an input subject ({@link
   *     ai.voice.stt.config.SttConfig.Nats#sessionIdOf}: one token, or two with tenants)
   */
  public IngressHandler(
      MessageDecoder decoder, SessionRegistry sessions, UnaryOperator<String> sessionIdOf) {
    this.decoder = decoder;
    this.sessions = sessions;
    this.sessionIdOf = sessionIdOf;
  }

  public void onMessage(String subject, byte[] payload) {
    String sessionId = sessionIdOf.apply(subject);
    try {
      sessions.route(sessionId, decoder.decode(payload == null ? new byte[0] : payload, sessionId));
    } catch (ProtocolException e) {
      log.debug("session {}: rejected message: {}", sessionId, e.getMessage());
      sessions.rejectInvalid(sessionId, e);
    } catch (RuntimeException e) {
      // Catch at the loop boundary: one bad message never stops the dispatcher.
      log.error("session {}: unexpected failure handling a message", sessionId, e);
      sessions.reject(sessionId, ai.voice.stt.protocol.ErrorCode.INTERNAL, "internal error");
    }
  }
}
