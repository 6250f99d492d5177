package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of the multipart/form-data parser (Jazzer; docs/decisions/0008). Each
 * input is a request as the handler sees it: the Content-Type header value up to the first newline,
 * then the body. An ordinary test run replays the seeds in {@code
 * MultipartFormFuzzTestInputs/parseAnyRequest} (curl-style uploads, preambles, quoted boundaries,
 * transport padding, cut-off bodies); {@code JAZZER_FUZZ=1} mutates them (scripts/fuzz.sh).
 *
 * <p>The property: a Content-Type either yields no boundary or one of 1 to 70 characters; a body
 * either parses into a form whose parts lie within the body, or is rejected with a {@link
 * MultipartForm.MalformedException} that says why. Anything else (a runtime exception, running out
 * of memory, a hang) is a finding.
 */
class MultipartFormFuzzTest {

  @FuzzTest
  void parseAnyRequest(byte[] request) {
    int newline = indexOf(request, (byte) '\n');
    String contentType =
        new String(request, 0, newline < 0 ? request.length : newline, StandardCharsets.UTF_8);
    byte[] body =
        newline < 0 ? new byte[0] : Arrays.copyOfRange(request, newline + 1, request.length);

    Optional<String> boundary = MultipartForm.boundary(contentType);
    if (boundary.isEmpty()) {
      return;
    }
    assertTrue(boundary.get().length() >= 1 && boundary.get().length() <= 70, boundary.get());
    MultipartForm form;
    try {
      form = MultipartForm.parse(body, boundary.get());
    } catch (MultipartForm.MalformedException rejected) {
      assertFalse(rejected.getMessage().isBlank(), "a rejection explains itself");
      return;
    }
    for (String name : new String[] {"file", "model", "language", "response_format"}) {
      form.part(name)
          .ifPresent(
              part -> {
                assertTrue(part.content().length <= body.length, "a part lies within the body");
                part.text();
              });
      form.field(name).ifPresent(value -> assertFalse(value.isBlank()));
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
