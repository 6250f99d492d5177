package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The multipart/form-data parser on what clients send, and on what they should not. */
class MultipartFormTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aQuotedBoundaryMayHoldSeparatorsAndThePartsAreFound() throws Exception {
    String type = "Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\"";
    assertEquals(Optional.of("a b;c"), MultipartForm.boundary(type));
    MultipartForm form =
        MultipartForm.parse(
            bytes(
                "preamble\r\n--a b;c\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n"
                    + "whisper-1\r\n--a b;c--\r\n"),
            "a b;c");
    assertEquals(Optional.of("whisper-1"), form.field("model"));
  }

  @Test
  void curlsUploadParsesIntoItsFieldsAndFile() throws Exception {
    String b = "------------------------d74496d66958873e";
    MultipartForm form =
        MultipartForm.parse(
            bytes(
                "--"
                    + b
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\nRIFF....\r\n--"
                    + b
                    + "\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n--"
                    + b
                    + "--\r\n"),
            b);
    assertEquals(Optional.of("a.wav"), form.part("file").orElseThrow().fileName());
    assertEquals(8, form.part("file").orElseThrow().content().length);
    assertEquals(Optional.of("en"), form.field("language"));
  }

  @Test
  void aBodyWithoutTheBoundaryIsRejectedNotTakenAsAnEmptyForm() {
    assertThrows(
        MultipartForm.MalformedException.class,
        () -> MultipartForm.parse(bytes("just some bytes\r\n"), "xyz"));
  }
}
