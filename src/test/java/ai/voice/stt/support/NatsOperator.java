package ai.voice.stt.support;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Decentralised (JWT) NATS authentication for one test: an operator, an account signed by it and a
 * user signed by the account, all with fresh NKeys. Gives the nats-server configuration (operator
 * mode, memory resolver with the account preloaded) and the user's {@code .creds} file, in the
 * format {@code nsc} writes.
 */
public record NatsOperator(String serverConfig, Path credsFile, String userSeed) {
  private static final String OPERATOR_CLAIM = "{\"type\":\"operator\",\"version\":2}";
  // -1 is "no limit"; an account JWT without limits would allow no connections at all.
  private static final String ACCOUNT_CLAIM =
      "{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
          + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1},"
          + "\"default_permissions\":{\"pub\":{},\"sub\":{}},\"type\":\"account\",\"version\":2}";

  public static NatsOperator create(Path dir) throws Exception {
    SecureRandom random = new SecureRandom();
    NKey operator = NKey.createOperator(random);
    NKey account = NKey.createAccount(random);
    NKey user = NKey.createUser(random);
    String operatorId = new String(operator.getPublicKey());
    String accountId = new String(account.getPublicKey());
    long now = JwtUtils.currentTimeSeconds();
    String operatorJwt =
        JwtUtils.issueJWT(
            operator,
            operatorId,
            "test-operator",
            null,
            now,
            operatorId,
            null,
            () -> OPERATOR_CLAIM);
    String accountJwt =
        JwtUtils.issueJWT(
            operator, accountId, "test-account", null, now, operatorId, null, () -> ACCOUNT_CLAIM);
    String userJwt =
        JwtUtils.issueUserJWT(account, accountId, new String(user.getPublicKey()), "voice-stt");
    String seed = new String(user.getSeed());
    Path creds =
        Files.writeString(
            dir.resolve("voice-stt.creds"),
            "-----BEGIN NATS USER JWT-----\n"
                + userJwt
                + "\n------END NATS USER JWT------\n\n"
                + "************************* IMPORTANT *************************\n"
                + "NKEY Seed printed below can be used to sign and prove identity.\n"
                + "NKEYs are sensitive and should be treated as secrets.\n\n"
                + "-----BEGIN USER NKEY SEED-----\n"
                + seed
                + "\n------END USER NKEY SEED------\n\n"
                + "*************************************************************\n");
    String config =
        "operator: "
            + operatorJwt
            + "\nresolver: MEMORY\nresolver_preload: {\n  "
            + accountId
            + ": "
            + accountJwt
            + "\n}\n";
    return new NatsOperator(config, creds, seed);
  }
}
