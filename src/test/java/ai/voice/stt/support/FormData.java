package ai.voice.stt.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * multipart/form-data for tests, written independently of the production code so that a contract
 * test checks the client's bytes against RFC 7578 rather than against its own twin: {@link #parse}
 * reads a request body the way a server would, {@link Builder} writes one the way curl does.
 */
public final class FormData {
  private static final Pattern BOUNDARY =
      Pattern.compile("^multipart/form-data;\\s*boundary=\"?([^\";]+)\"?$");
  private static final Pattern DISPOSITION =
      Pattern.compile(
          "(?im)^Content-Disposition: form-data; name=\"([^\"]*)\"(?:; filename=\"([^\"]*)\")?$");
  private static final Pattern CONTENT_TYPE = Pattern.compile("(?im)^Content-Type: (.+)$");

  private FormData() {}

  /** One part as a server sees it. */
  public record Part(
      String name, Optional<String> fileName, Optional<String> contentType, byte[] content) {
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /**
   * Splits a body on its boundary (from the Content-Type header).
   *
   * @throws AssertionError when the body does not follow the multipart syntax
   */
  public static List<Part> parse(String contentType, byte[] body) {
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.matches()) {
      throw new AssertionError("not multipart/form-data with a boundary: " + contentType);
    }
    // ISO-8859-1 maps every byte to one char, so offsets in the string are offsets in the body.
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + m.group(1);
    if (!text.startsWith(delimiter + "\r\n")) {
      throw new AssertionError("body does not start with the boundary");
    }
    if (!text.endsWith("\r\n" + delimiter + "--\r\n")) {
      throw new AssertionError("body does not end with the closing boundary");
    }
    List<Part> parts = new ArrayList<>();
    // Without the final "--CRLF", the body is: delimiter, part, delimiter, part, ..., delimiter.
    String[] chunks = text.substring(0, text.length() - 4).split(Pattern.quote(delimiter), -1);
    for (int i = 1; i < chunks.length - 1; i++) {
      String chunk = chunks[i];
      if (!chunk.startsWith("\r\n") || !chunk.endsWith("\r\n")) {
        throw new AssertionError("part " + i + " is not framed by CRLF");
      }
      int headersEnd = chunk.indexOf("\r\n\r\n");
      String headers = chunk.substring(2, headersEnd);
      String content = chunk.substring(headersEnd + 4, chunk.length() - 2);
      Matcher d = DISPOSITION.matcher(headers);
      if (!d.find()) {
        throw new AssertionError("part without form-data disposition: " + headers);
      }
      Matcher t = CONTENT_TYPE.matcher(headers);
      parts.add(
          new Part(
              d.group(1),
              Optional.ofNullable(d.group(2)),
              t.find() ? Optional.of(t.group(1).strip()) : Optional.empty(),
              content.getBytes(StandardCharsets.ISO_8859_1)));
    }
    return parts;
  }

  public static Part part(List<Part> parts, String name) {
    return parts.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no part " + name + " in " + names(parts)));
  }

  public static List<String> names(List<Part> parts) {
    return parts.stream().map(Part::name).toList();
  }

  /** Writes a form the way curl's {@code -F} does. */
  public static final class Builder {
    private final String boundary = "------------------------curlish" + System.nanoTime();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Builder field(String name, String value) {
      ascii("--" + boundary + "\r\n");
      ascii("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
      out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
      ascii("\r\n");
      return this;
    }

    public Builder file(String name, String fileName, byte[] content) {
      ascii("--" + boundary + "\r\n");
      ascii(
          "Content-Disposition: form-data; name=\""
              + name
              + "\"; filename=\""
              + fileName
              + "\"\r\n");
      ascii("Content-Type: application/octet-stream\r\n\r\n");
      out.writeBytes(content);
      ascii("\r\n");
      return this;
    }

    public String contentType() {
      return "multipart/form-data; boundary=" + boundary;
    }

    public byte[] build() {
      ascii("--" + boundary + "--\r\n");
      return out.toByteArray();
    }

    private void ascii(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
  }
}
