package ai.voice.stt.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.LogCapture;
import ai.voice.stt.support.NatsOperator;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.TestCertificates;
import ai.voice.stt.support.TestData;
import ai.voice.stt.tools.ChildJvm;
import ai.voice.stt.transport.PemTls;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way the service can authenticate to NATS, against a real nats-server started with that
 * configuration: user/password, token, NKey, a {@code .creds} file (operator mode with JWTs), and
 * TLS with a private CA and a client certificate (made by openssl for this run). Secrets come from
 * the environment or mounted files, and none of them appears in anything the service logs.
 */
class NatsSecurityTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void userAndPasswordFromMountedFiles() throws Exception {
    String password = randomSecret();
    Path passwordFile = Files.writeString(dir.resolve("password"), password + "\n");
    Path userFile = Files.writeString(dir.resolve("user"), "voice-stt\n");
    try (NatsProcess nats =
        serverWith("authorization { user: \"voice-stt\", password: \"" + password + "\" }")) {
      assertServesThrough(
          nats,
          Map.of(
              "NATS_USER_FILE", userFile.toString(), "NATS_PASSWORD_FILE", passwordFile.toString()),
          client(nats).userInfo("voice-stt", password),
          password);
    }
  }

  @Test
  void credentialsInTheUrlWorkAndAreMaskedInTheLog() throws Exception {
    String password = randomSecret();
    try (NatsProcess nats =
        serverWith("authorization { user: \"voice-stt\", password: \"" + password + "\" }")) {
      String url = "nats://voice-stt:" + password + "@127.0.0.1:" + nats.port();
      try (LogCapture log = new LogCapture()) {
        assertServesThrough(
            nats, Map.of("NATS_URL", url), client(nats).userInfo("voice-stt", password), password);
        assertTrue(log.contains("nats://***@127.0.0.1:" + nats.port()), log.lines().toString());
      }
    }
  }

  @Test
  void token() throws Exception {
    String token = randomSecret();
    try (NatsProcess nats = serverWith("authorization { token: \"" + token + "\" }")) {
      assertServesThrough(
          nats, Map.of("NATS_TOKEN", token), client(nats).token(token.toCharArray()), token);
    }
  }

  @Test
  void nkeySeedFromAMountedFile() throws Exception {
    io.nats.client.NKey user = io.nats.client.NKey.createUser(new SecureRandom());
    String seed = new String(user.getSeed());
    Path seedFile = Files.writeString(dir.resolve("nkey.seed"), seed + "\n");
    String publicKey = new String(user.getPublicKey());
    try (NatsProcess nats =
        serverWith("authorization { users: [ { nkey: " + publicKey + " } ] }")) {
      assertServesThrough(
          nats,
          Map.of("NATS_NKEY_SEED_FILE", seedFile.toString()),
          client(nats).authHandler(Nats.staticCredentials(null, seed.toCharArray())),
          seed);
    }
  }

  @Test
  void credsFileAgainstAServerInOperatorMode() throws Exception {
    NatsOperator operator = NatsOperator.create(dir);
    try (NatsProcess nats = serverWith(operator.serverConfig())) {
      assertServesThrough(
          nats,
          Map.of("NATS_CREDS_FILE", operator.credsFile().toString()),
          client(nats).authHandler(Nats.credentials(operator.credsFile().toString())),
          operator.userSeed());
    }
  }

  @Test
  void tlsWithAPrivateCaAndAClientCertificate() throws Exception {
    TestCertificates certs = TestCertificates.generate(dir);
    String tls =
        "tls { cert_file: \"%s\", key_file: \"%s\", ca_file: \"%s\", verify: true, timeout: 5 }"
            .formatted(certs.serverCert(), certs.serverKey(), certs.ca());
    try (NatsProcess nats = serverWith(tls)) {
      Map<String, String> env =
          Map.of(
              "NATS_URL", "tls://127.0.0.1:" + nats.port(),
              "NATS_TLS_CA_FILE", certs.ca().toString(),
              "NATS_TLS_CERT_FILE", certs.clientCert().toString(),
              "NATS_TLS_KEY_FILE", certs.clientKey().toString());
      // The test client shows the server demands a certificate: it has none and is refused.
      assertRefused(tlsClient(nats).sslContext(trusting(certs.ca())).noReconnect());
      SSLContext withCertificate =
          PemTls.context(ConfigLoader.load(env, 2).nats().security().tls().orElseThrow());
      assertServesThrough(
          nats,
          env,
          tlsClient(nats).sslContext(withCertificate),
          Files.readString(certs.clientKey()).lines().skip(1).findFirst().orElseThrow());
    }
  }

  /**
   * {@code stt stream}, as an operator runs it next to the service: a real process given the same
   * {@code NATS_TOKEN} reaches the token-protected server and prints the transcript; without it,
   * the server refuses it.
   */
  @Test
  void theStreamClientAuthenticatesWithTheSameVariablesAsTheService() throws Exception {
    String token = randomSecret();
    try (NatsProcess nats = serverWith("authorization { token: \"" + token + "\" }")) {
      SttService service = start(nats, Map.of("NATS_TOKEN", token), token);
      try {
        Await.until(service::isReady, WAIT, "service connected with NATS_TOKEN");
        service.awaitSubscribed(Duration.ofSeconds(5));
        String wav = TestData.recording("goforward").path().toString();
        CliRun authenticated = streamClient(nats, Map.of("NATS_TOKEN", token), wav);
        assertEquals(0, authenticated.exitCode(), authenticated.output());
        assertTrue(
            authenticated.output().toLowerCase().contains("forward"), authenticated.output());
        assertFalse(authenticated.output().contains(token), "the token was printed");
        CliRun anonymous = streamClient(nats, Map.of(), wav);
        assertEquals(3, anonymous.exitCode(), anonymous.output());
        assertTrue(
            anonymous.output().contains("cannot connect to NATS at " + nats.url())
                && anonymous.output().contains("Authorization Violation"),
            "the server's reason is shown: " + anonymous.output());
      } finally {
        service.close();
      }
    }
  }

  private record CliRun(int exitCode, String output) {}

  private static CliRun streamClient(NatsProcess nats, Map<String, String> env, String wav)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(
                ChildJvm.command(
                    List.of(), "stream", "--speed", "0", "--nats-url", nats.url(), wav))
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("NATS_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stt stream did not exit:\n" + output);
    return new CliRun(process.exitValue(), output);
  }

  @Test
  void aWrongPasswordStopsStartUpWithTheServersReasonAndWithoutTheSecret() throws Exception {
    String password = randomSecret();
    String wrong = randomSecret();
    try (NatsProcess nats =
            serverWith("authorization { user: \"voice-stt\", password: \"" + password + "\" }");
        LogCapture log = new LogCapture()) {
      IOException refused =
          assertThrows(
              IOException.class,
              () ->
                  start(nats, Map.of("NATS_USER", "voice-stt", "NATS_PASSWORD", wrong), wrong)
                      .close());
      assertTrue(refused.getMessage().contains("Authorization Violation"), refused.getMessage());
      assertFalse(refused.getMessage().contains(wrong), refused.getMessage());
      assertNoSecretIn(log.lines(), wrong);
      assertNoSecretIn(log.lines(), password);
    }
  }

  /**
   * The service connects with {@code env}, answers a client over the secured server, logs no
   * secret.
   */
  private void assertServesThrough(
      NatsProcess nats, Map<String, String> env, Options.Builder clientOptions, String secret)
      throws Exception {
    try (LogCapture log = new LogCapture()) {
      SttService service = start(nats, env, secret);
      Connection connection = Nats.connect(clientOptions.build());
      try {
        Await.until(service::isReady, WAIT, "service connected through " + env.keySet());
        service.awaitSubscribed(Duration.ofSeconds(5));
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        try (StreamClient.Session s = client.listen("secured", r -> {})) {
          client.send("secured", Map.of("type", "end"));
          List<Received> out = s.awaitEnd(WAIT);
          assertEquals("end", out.getLast().string("end_reason"));
        }
      } finally {
        connection.close();
        service.close();
      }
      assertTrue(log.contains("voice-stt ready"), "the banner was logged");
      assertNoSecretIn(log.lines(), secret);
    }
  }

  /** Starts the service, checking first that its configuration's text shows no secret. */
  private SttService start(NatsProcess nats, Map<String, String> extra, String secret)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("NATS_URL", nats.url());
    env.put("STT_MODEL_PATH", TestData.model().toString());
    env.put("STT_HEALTH_PORT", "0");
    env.put("OTEL_ENABLED", "false"); // no collector beside the tests
    env.putAll(extra);
    SttConfig config = ConfigLoader.load(env, 2);
    assertNoSecretIn(List.of(config.toString()), secret);
    return SttService.start(config);
  }

  private static void assertNoSecretIn(List<String> lines, String secret) {
    for (String line : lines) {
      assertFalse(line.contains(secret), "secret in: " + line);
    }
  }

  private NatsProcess serverWith(String configuration) throws Exception {
    Path config = Files.writeString(Files.createTempFile(dir, "nats", ".conf"), configuration);
    return NatsProcess.start(config);
  }

  private static Options.Builder client(NatsProcess nats) {
    return Options.builder()
        .server(nats.url())
        .connectionTimeout(Duration.ofSeconds(5))
        .errorListener(new ErrorListener() {});
  }

  private static void assertRefused(Options.Builder options) {
    try {
      Nats.connect(options.build()).close();
    } catch (Exception expected) {
      return;
    }
    throw new AssertionError("connected without a client certificate");
  }

  private static SSLContext trusting(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (var in = Files.newInputStream(ca)) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static Options.Builder tlsClient(NatsProcess nats) {
    return Options.builder()
        .server("tls://127.0.0.1:" + nats.port())
        .connectionTimeout(Duration.ofSeconds(5))
        .errorListener(new ErrorListener() {});
  }

  private static String randomSecret() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return "s" + HexFormat.of().formatHex(bytes);
  }
}
