package ai.voice.stt.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Msgpack;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's NATS accounts (helm/voice-stt/examples/nats-accounts.conf, what {@code
 * natsAccounts.render=true} renders for the default tenants) on a real nats-server with JetStream:
 * the service runs as its own limited user with replicas' routing, tenant A transcribes its session
 * end to end with the real model, and tenant B's {@code start}, audio and {@code end} on A's
 * session and its subscription to A's results are refused by the server (permissions violations),
 * as are the admin status and the JetStream API (where session ids are KV keys).
 */
class TenantIsolationTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path ACCOUNTS = Path.of("helm/voice-stt/examples/nats-accounts.conf");
  @TempDir Path dir;

  @Test
  void aTenantCanNeitherSteerNorHearAnotherTenantsSession() throws Exception {
    Map<String, String> passwords = new HashMap<>();
    StringBuilder conf = new StringBuilder();
    for (String user : List.of("voice-stt", "voice-stt-admin", "tenant-a", "tenant-b")) {
      String password = "p" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
      passwords.put(user, password);
      // What the NATS server's environment holds in production: the file reads $<USER>_PASSWORD.
      conf.append(user.toUpperCase().replace('-', '_'))
          .append("_PASSWORD: \"")
          .append(password)
          .append("\"\n");
    }
    conf.append(Files.readString(ACCOUNTS)).append('\n');
    Path store = Files.createDirectories(dir.resolve("js"));
    conf.append("jetstream { store_dir: \"").append(store).append("\" }\n");
    Path config = Files.writeString(dir.resolve("nats.conf"), conf);

    try (NatsProcess nats = NatsProcess.start(config)) {
      Map<String, String> env = new HashMap<>();
      env.put("NATS_URL", nats.url());
      env.put("NATS_USER", "voice-stt");
      env.put("NATS_PASSWORD", passwords.get("voice-stt"));
      env.put("STT_SESSION_ID_TOKENS", "2");
      env.put("STT_ROUTING", "jetstream");
      env.put("STT_MODEL_PATH", TestData.model().toString());
      env.put("STT_HEALTH_PORT", "0");
      env.put("STT_INFERENCE_WORKERS", "1");
      env.put("OTEL_ENABLED", "false");
      try (SttService service = SttService.start(ConfigLoader.load(env, 2))) {
        Await.until(service::isReady, WAIT, "service ready as its limited user");
        service.awaitSubscribed(Duration.ofSeconds(5));
        List<String> aErrors = new CopyOnWriteArrayList<>();
        List<String> bErrors = new CopyOnWriteArrayList<>();
        Connection a = connect(nats, "tenant-a", passwords, aErrors);
        Connection b = connect(nats, "tenant-b", passwords, bErrors);
        try {
          String session = "tenant-a.call-1";
          String aInput = "ai.voice.stream." + session;
          String aOutput = "ai.voice.transcription." + session;
          StreamClient tenantA = new StreamClient(a, "ai.voice.stream", "ai.voice.transcription");

          // B listens to A's results and steers A's session before, during and after A streams.
          List<byte[]> overheard = new CopyOnWriteArrayList<>();
          b.createDispatcher(m -> overheard.add(m.getData())).subscribe(aOutput);
          b.createDispatcher(m -> overheard.add(m.getData())).subscribe("ai.voice.transcription.>");
          b.publish(aInput, Msgpack.pack(Map.of("type", "start", "sample_rate", 48000)));
          b.flush(Duration.ofSeconds(5));

          try (StreamClient.Session s = tenantA.listen(session, r -> {})) {
            Thread injector =
                Thread.ofVirtual()
                    .start(
                        () -> {
                          try {
                            Thread.sleep(500);
                            b.publish(
                                aInput,
                                Msgpack.pack(Map.of("type", "audio", "audio", new byte[3200])));
                            b.publish(aInput, Msgpack.pack(Map.of("type", "end")));
                            b.flush(Duration.ofSeconds(5));
                          } catch (Exception e) {
                            throw new IllegalStateException(e);
                          }
                        });
            tenantA.stream(
                session,
                TestData.recording("goforward").clip(),
                StreamOptions.realTime().withSpeed(4),
                s);
            injector.join();
            List<Received> out = s.awaitEnd(WAIT);
            String text = StreamClient.joinTranscripts(out).toLowerCase();
            assertTrue(text.contains("forward"), "tenant A's transcript: " + out);
            assertEquals("end", out.getLast().string("end_reason"), out.toString());
            assertEquals(
                1, out.stream().filter(Received::endOfStream).count(), "one end of stream: " + out);
            assertEquals(session, out.getLast().string("session_id"));
          }

          assertTrue(aErrors.isEmpty(), "tenant A was refused something: " + aErrors);
          Await.until(
              () ->
                  bErrors.stream().filter(e -> e.contains("Publish to \"" + aInput + "\"")).count()
                      >= 3,
              Duration.ofSeconds(10),
              () -> "B's start, audio and end refused: " + bErrors);
          assertTrue(
              bErrors.stream().anyMatch(e -> e.contains("Subscription to \"" + aOutput + "\"")),
              "B's subscription to A's output refused: " + bErrors);
          assertTrue(overheard.isEmpty(), "B heard " + overheard.size() + " messages");

          // Nor can B learn session ids: the admin status and the JetStream API are refused.
          bErrors.clear();
          b.publish("stt.admin.status", new byte[0]);
          b.publish("$JS.API.STREAM.LIST", new byte[0]);
          b.flush(Duration.ofSeconds(5));
          Await.until(
              () -> bErrors.size() >= 2, Duration.ofSeconds(10), () -> "refused: " + bErrors);
          assertTrue(bErrors.toString().contains("stt.admin.status"), bErrors.toString());
          assertTrue(bErrors.toString().contains("$JS.API.STREAM.LIST"), bErrors.toString());
        } finally {
          a.close();
          b.close();
        }
        assertTrue(service.isReady(), "the service stayed ready");
      }
      // The service's own user lacks nothing it uses: the server refused it nothing, while its
      // log shows what it refused B ("VOICE/user:tenant-b" - Publish Violation - ...).
      String serverLog = nats.log();
      assertTrue(serverLog.contains("user:tenant-b\" - Publish Violation"), serverLog);
      List<String> refusedToService =
          serverLog
              .lines()
              .filter(l -> l.contains("user:voice-stt\"") && l.contains("Violation"))
              .toList();
      assertTrue(refusedToService.isEmpty(), String.join("\n", refusedToService));
    }
  }

  private static Connection connect(
      NatsProcess nats, String user, Map<String, String> passwords, List<String> errors)
      throws Exception {
    return Nats.connect(
        Options.builder()
            .server(nats.url())
            .userInfo(user, passwords.get(user))
            .connectionTimeout(Duration.ofSeconds(5))
            .errorListener(
                new ErrorListener() {
                  @Override
                  public void errorOccurred(Connection conn, String error) {
                    errors.add(error);
                  }
                })
            .build());
  }
}
