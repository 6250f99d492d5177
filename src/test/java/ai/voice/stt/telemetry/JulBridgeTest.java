package ai.voice.stt.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How an exporter's exception chain is written on one log line. */
class JulBridgeTest {

  @Test
  void theChainNamesEveryTypeAndTheDeepestMessage() {
    // The shape the JDK HTTP sender throws when nothing listens at the OTLP endpoint.
    Throwable thrown =
        new CompletionException(
            new UncheckedIOException(
                "outer", new ConnectException("Connection refused: /127.0.0.1:4318")));
    assertEquals(
        "CompletionException > UncheckedIOException > ConnectException:"
            + " Connection refused: /127.0.0.1:4318",
        JulBridge.chain(thrown));
  }

  @Test
  void aChainWithoutMessagesIsJustItsTypes() {
    assertEquals(
        "IllegalStateException > NullPointerException",
        JulBridge.chain(new IllegalStateException((String) null, new NullPointerException())));
  }
}
