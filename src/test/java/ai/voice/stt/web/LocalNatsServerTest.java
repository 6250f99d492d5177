package ai.voice.stt.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.NatsProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo's own nats-server: TCP for the service, WebSocket for pages of the demo's origin. */
class LocalNatsServerTest {
  private static final String ORIGIN = "http://127.0.0.1:8088";

  @Test
  void servesTcpClientsAndWebSocketPagesOfTheAllowedOriginsOnly() throws Exception {
    try (LocalNatsServer nats =
        LocalNatsServer.start(NatsProcess.executable(), "127.0.0.1", List.of(ORIGIN))) {
      assertTrue(nats.natsUrl().matches("nats://127\\.0\\.0\\.1:\\d+"), nats.natsUrl());
      assertTrue(nats.webSocketPort() > 0);
      assertTrue(nats.version().matches("\\d+\\.\\d+\\.\\d+.*"), nats.version());
      Connection connection = Nats.connect(nats.natsUrl());
      try {
        assertEquals(Connection.Status.CONNECTED, connection.getStatus());
      } finally {
        connection.close();
      }

      String info = firstFrame(nats.webSocketPort(), ORIGIN).get(10, TimeUnit.SECONDS);
      assertTrue(info.startsWith("INFO "), info);

      CompletableFuture<String> foreign = firstFrame(nats.webSocketPort(), "http://evil.example");
      Exception refused = assertThrows(Exception.class, () -> foreign.get(10, TimeUnit.SECONDS));
      assertTrue(
          refused.getCause() instanceof WebSocketHandshakeException handshake
              && handshake.getResponse().statusCode() == 403,
          refused.toString());
    }
  }

  @Test
  void theConfigurationListsOriginsOnlyWhenGiven() {
    String open = LocalNatsServer.configuration("0.0.0.0", List.of());
    assertFalse(open.contains("allowed_origins"), open);
    assertTrue(open.contains("host: \"127.0.0.1\"\nport: -1"), open);
    assertTrue(open.contains("  host: \"0.0.0.0\"\n  port: -1\n  no_tls: true\n"), open);
    String closed = LocalNatsServer.configuration("127.0.0.1", List.of(ORIGIN, "http://x:1"));
    assertTrue(closed.contains("allowed_origins: [\"" + ORIGIN + "\", \"http://x:1\"]"), closed);
  }

  @Test
  void aMissingBinarySaysWhatToDo() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> LocalNatsServer.start("/nonexistent/nats-server", "127.0.0.1", List.of()));
    assertTrue(e.getMessage().contains("STT_NATS_SERVER"), e.getMessage());
    assertTrue(e.getMessage().contains("--nats-ws"), e.getMessage());
  }

  /** The first frame a WebSocket client with this Origin gets (nats-server's INFO). */
  private static CompletableFuture<String> firstFrame(int port, String origin) {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket.Listener listener =
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            first.complete(data.toString());
            return null;
          }

          @Override
          public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            first.complete(StandardCharsets.UTF_8.decode(data).toString());
            return null;
          }
        };
    HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .header("Origin", origin)
        .buildAsync(URI.create("ws://127.0.0.1:" + port), listener)
        .whenComplete(
            (ws, error) -> {
              if (error != null) {
                first.completeExceptionally(
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error);
              } else {
                first.whenComplete((text, e) -> ws.abort());
              }
            });
    return first;
  }
}
