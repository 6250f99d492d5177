package ai.voice.stt.config;

import ai.voice.stt.config.NatsSecurity.Auth;
import ai.voice.stt.config.NatsSecurity.ClientCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads NATS credentials and TLS files from {@code NATS_*} variables. Each secret may be given
 * directly ({@code NATS_PASSWORD}) or as a mounted file ({@code NATS_PASSWORD_FILE}, as Kubernetes
 * secrets are mounted). Errors name the variable and, for files, the path; never a secret's value.
 */
final class NatsSecurityLoader {
  // A user NKey seed: "SU" and 56 more base32 characters (the nkeys encoding of 32 bytes + CRC).
  private static final Pattern USER_SEED = Pattern.compile("SU[A-Z2-7]{56}");
  // scheme://user:password@host or scheme://token@host
  private static final Pattern URL_USER_INFO = Pattern.compile("^[A-Za-z]+://[^/@]+@.*");

  private NatsSecurityLoader() {}

  static NatsSecurity load(EnvReader env, List<String> servers) {
    return new NatsSecurity(auth(env, servers), tls(env));
  }

  private static Auth auth(EnvReader env, List<String> servers) {
    Optional<String> user = valueOrFile(env, "NATS_USER");
    Optional<String> password = valueOrFile(env, "NATS_PASSWORD");
    Optional<String> token = valueOrFile(env, "NATS_TOKEN");
    Optional<String> seed = valueOrFile(env, "NATS_NKEY_SEED");
    Optional<Path> creds = readableFile(env, "NATS_CREDS_FILE");
    if (user.isPresent() != password.isPresent()) {
      throw new ConfigException(
          "NATS_USER and NATS_PASSWORD go together: set both (directly or as *_FILE) or neither.");
    }
    List<String> given = new ArrayList<>();
    List<Auth> modes = new ArrayList<>();
    if (user.isPresent()) {
      given.add("NATS_USER/NATS_PASSWORD");
      modes.add(new Auth.UserPassword(user.get(), new Secret(password.get())));
    }
    token.ifPresent(
        t -> {
          given.add("NATS_TOKEN");
          modes.add(new Auth.Token(new Secret(t)));
        });
    if (seed.isPresent()) {
      if (!USER_SEED.matcher(seed.get()).matches()) {
        throw new ConfigException(
            "Invalid NATS_NKEY_SEED: expected a user NKey seed (58 characters starting with SU);"
                + " the value is not shown.");
      }
      given.add("NATS_NKEY_SEED");
      modes.add(new Auth.NKeySeed(new Secret(seed.get())));
    }
    if (creds.isPresent()) {
      requireCredsFile(creds.get());
      given.add("NATS_CREDS_FILE");
      modes.add(new Auth.CredsFile(creds.get()));
    }
    if (modes.size() > 1) {
      throw new ConfigException(
          "Only one NATS authentication may be configured, found "
              + String.join(", ", given)
              + ".");
    }
    if (!modes.isEmpty() && servers.stream().anyMatch(s -> URL_USER_INFO.matcher(s).matches())) {
      throw new ConfigException(
          "NATS_URL carries credentials and " + given.getFirst() + " is set too; use one.");
    }
    return modes.isEmpty() ? new Auth.None() : modes.getFirst();
  }

  private static Optional<NatsSecurity.Tls> tls(EnvReader env) {
    Optional<Path> ca = readableFile(env, "NATS_TLS_CA_FILE");
    Optional<Path> cert = readableFile(env, "NATS_TLS_CERT_FILE");
    Optional<Path> key = readableFile(env, "NATS_TLS_KEY_FILE");
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException(
          "NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together: a client certificate needs its"
              + " private key.");
    }
    if (ca.isEmpty() && cert.isEmpty()) {
      return Optional.empty(); // a tls:// URL alone still gets TLS with the system's CAs
    }
    return Optional.of(
        new NatsSecurity.Tls(ca, cert.map(c -> new ClientCertificate(c, key.orElseThrow()))));
  }

  /** {@code NAME} or the contents of the file {@code NAME_FILE} names, trimmed; not both. */
  private static Optional<String> valueOrFile(EnvReader env, String name) {
    String direct = env.string(name, null);
    Optional<Path> file = readableFile(env, name + "_FILE");
    if (direct != null && file.isPresent()) {
      throw new ConfigException(name + " and " + name + "_FILE are both set; use one.");
    }
    if (file.isEmpty()) {
      return Optional.ofNullable(direct);
    }
    String content;
    try {
      content = Files.readString(file.get()).strip();
    } catch (IOException e) {
      throw new ConfigException(
          "Invalid "
              + name
              + "_FILE='"
              + file.get()
              + "': cannot be read ("
              + e.getMessage()
              + ").");
    }
    if (content.isEmpty()) {
      throw new ConfigException(
          "Invalid " + name + "_FILE='" + file.get() + "': the file is empty.");
    }
    return Optional.of(content);
  }

  private static Optional<Path> readableFile(EnvReader env, String name) {
    String value = env.string(name, null);
    if (value == null) {
      return Optional.empty();
    }
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw EnvReader.invalid(name, value, "a readable file");
    }
    return Optional.of(path);
  }

  private static void requireCredsFile(Path path) {
    String content;
    try {
      content = Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException(
          "Invalid NATS_CREDS_FILE='" + path + "': cannot be read (" + e.getMessage() + ").");
    }
    if (!content.contains("BEGIN NATS USER JWT") || !content.contains("BEGIN USER NKEY SEED")) {
      throw new ConfigException(
          "Invalid NATS_CREDS_FILE='"
              + path
              + "': expected a NATS credentials file with a user JWT and an NKey seed block.");
    }
  }
}
