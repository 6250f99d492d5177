package ai.voice.stt.whisperserver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed {@code multipart/form-data} body (RFC 7578 on RFC 2046's multipart syntax), held in
 * memory. The caller bounds the body's size; this class bounds what is inside it: the number of
 * parts and the size of each part's header block, so a hostile body cannot make it loop or allocate
 * beyond the body itself.
 */
final class MultipartForm {
  private static final int MAX_PARTS = 32;
  private static final int MAX_HEADER_BYTES = 8 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  /** One part: a form field, or a file when it has a file name. */
  record Part(
      String name, Optional<String> fileName, Optional<String> contentType, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** The body does not follow the multipart syntax; the message says where. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  private final List<Part> parts;

  private MultipartForm(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  /** The first part of that name (a repeated field such as {@code x[]} keeps the others). */
  Optional<Part> part(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  Optional<String> field(String name) {
    return part(name).map(Part::text).map(String::strip).filter(s -> !s.isEmpty());
  }

  /**
   * The boundary parameter of a {@code multipart/form-data} Content-Type.
   *
   * @return empty when the type is not multipart/form-data or has no usable boundary
   */
  static Optional<String> boundary(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    // Quote-aware: a quoted boundary may hold ';' (found comparing with commons-fileupload,
    // decisions/0015). Always at least one element, so ";" alone is handled (found by fuzzing).
    List<String> params = splitParameters(contentType);
    if (!params.get(0).strip().equalsIgnoreCase("multipart/form-data")) {
      return Optional.empty();
    }
    for (int i = 1; i < params.size(); i++) {
      String param = params.get(i).strip();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
        String value = unquote(param.substring(eq + 1).strip());
        // RFC 2046: 1 to 70 characters.
        if (!value.isEmpty() && value.length() <= 70) {
          return Optional.of(value);
        }
      }
    }
    return Optional.empty();
  }

  static MultipartForm parse(byte[] body, String boundary) throws MalformedException {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    byte[] nextDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    // The first delimiter starts the body or a line (a preamble before it is allowed).
    int position = startsWith(body, 0, delimiter) ? 0 : indexOf(body, nextDelimiter, 0);
    if (position < 0) {
      throw new MalformedException("no multipart boundary in the body");
    }
    position = position == 0 ? delimiter.length : position + nextDelimiter.length;
    List<Part> parts = new ArrayList<>();
    while (true) {
      if (startsWith(body, position, new byte[] {'-', '-'})) {
        return new MultipartForm(parts);
      }
      position = skipLinearWhitespace(body, position);
      if (!startsWith(body, position, CRLF)) {
        throw new MalformedException("boundary line not followed by CRLF");
      }
      position += CRLF.length;
      int headersEnd = indexOf(body, HEADER_END, position);
      if (headersEnd < 0 || headersEnd - position > MAX_HEADER_BYTES) {
        throw new MalformedException("part headers missing or longer than " + MAX_HEADER_BYTES);
      }
      String headers = new String(body, position, headersEnd - position, StandardCharsets.UTF_8);
      int contentStart = headersEnd + HEADER_END.length;
      int contentEnd = indexOf(body, nextDelimiter, contentStart);
      if (contentEnd < 0) {
        throw new MalformedException("body ends inside a part (no closing boundary)");
      }
      if (parts.size() == MAX_PARTS) {
        throw new MalformedException("more than " + MAX_PARTS + " parts");
      }
      parts.add(part(headers, java.util.Arrays.copyOfRange(body, contentStart, contentEnd)));
      position = contentEnd + nextDelimiter.length;
    }
  }

  private static Part part(String headerBlock, byte[] content) throws MalformedException {
    String name = null;
    String fileName = null;
    String contentType = null;
    for (String line : headerBlock.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new MalformedException("malformed part header \"" + line + "\"");
      }
      String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (header.equals("content-type")) {
        contentType = value;
      } else if (header.equals("content-disposition")) {
        List<String> params = splitParameters(value);
        if (!params.getFirst().equalsIgnoreCase("form-data")) {
          throw new MalformedException("part is not form-data: " + value);
        }
        for (String param : params.subList(1, params.size())) {
          int eq = param.indexOf('=');
          if (eq <= 0) {
            continue;
          }
          String key = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
          String paramValue = unquote(param.substring(eq + 1).strip());
          if (key.equals("name")) {
            name = paramValue;
          } else if (key.equals("filename")) {
            fileName = paramValue;
          }
        }
      }
    }
    if (name == null) {
      throw new MalformedException("part without a Content-Disposition name");
    }
    return new Part(name, Optional.ofNullable(fileName), Optional.ofNullable(contentType), content);
  }

  /** Splits on ';' outside double quotes. */
  private static List<String> splitParameters(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted && i + 1 < value.length()) {
        current.append(c).append(value.charAt(++i));
        continue;
      }
      if (c == ';' && !quoted) {
        out.add(current.toString().strip());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString().strip());
    return out;
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return value;
  }

  private static int skipLinearWhitespace(byte[] body, int position) {
    // RFC 2046 allows transport padding (spaces, tabs) after a boundary.
    while (position < body.length && (body[position] == ' ' || body[position] == '\t')) {
      position++;
    }
    return position;
  }

  private static boolean startsWith(byte[] body, int position, byte[] prefix) {
    if (position < 0 || position + prefix.length > body.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[position + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] body, byte[] pattern, int from) {
    int last = body.length - pattern.length;
    for (int i = Math.max(0, from); i <= last; i++) {
      if (body[i] == pattern[0] && startsWith(body, i, pattern)) {
        return i;
      }
    }
    return -1;
  }
}
