package ai.voice.stt.recognizer.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A {@code multipart/form-data} request body (RFC 7578), written in memory: the audio of one
 * utterance is small, and a byte array can be sent again unchanged when a request is retried.
 */
final class MultipartBody {
  private static final String CRLF = "\r\n";
  private final String boundary = "voice-stt-" + UUID.randomUUID();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A text field. Names are ours (plain ASCII), so they need no escaping. */
  MultipartBody field(String name, String value) {
    ascii("--" + boundary + CRLF);
    ascii("Content-Disposition: form-data; name=\"" + name + "\"" + CRLF + CRLF);
    out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
    ascii(CRLF);
    return this;
  }

  MultipartBody file(String name, String fileName, String contentType, byte[] content) {
    ascii("--" + boundary + CRLF);
    ascii(
        "Content-Disposition: form-data; name=\""
            + name
            + "\"; filename=\""
            + fileName
            + "\""
            + CRLF);
    ascii("Content-Type: " + contentType + CRLF + CRLF);
    out.writeBytes(content);
    ascii(CRLF);
    return this;
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The body, closed with the final boundary. */
  byte[] finish() {
    ascii("--" + boundary + "--" + CRLF);
    return out.toByteArray();
  }

  private void ascii(String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }
}
