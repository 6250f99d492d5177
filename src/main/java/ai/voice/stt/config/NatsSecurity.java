package ai.voice.stt.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the service proves who it is to NATS and protects the link: at most one authentication mode,
 * and TLS with an optional private CA and client certificate. Built from {@code NATS_*} variables
 * by {@link ConfigLoader}; secrets come only from the environment or mounted files.
 */
public record NatsSecurity(Auth auth, Optional<Tls> tls) {
  public static final NatsSecurity NONE = new NatsSecurity(new Auth.None(), Optional.empty());

  /** One way to authenticate, or none. */
  public sealed interface Auth {
    /** No credentials (or only those in NATS_URL's user info). */
    record None() implements Auth {}

    record UserPassword(String user, Secret password) implements Auth {}

    record Token(Secret token) implements Auth {}

    /** A user NKey seed ({@code SU...}); the server knows the public key. */
    record NKeySeed(Secret seed) implements Auth {}

    /** A {@code .creds} file: user JWT and NKey seed, as {@code nsc} writes it. */
    record CredsFile(Path path) implements Auth {}

    /** A name for logs and the banner; never a credential. */
    default String describe() {
      return switch (this) {
        case None ignored -> "none";
        case UserPassword ignored -> "user/password";
        case Token ignored -> "token";
        case NKeySeed ignored -> "nkey";
        case CredsFile ignored -> "creds file";
      };
    }
  }

  /**
   * TLS to the server.
   *
   * @param caFile PEM certificates to trust instead of the system's CAs
   * @param client a client certificate chain and its PKCS#8 private key, both PEM
   */
  public record Tls(Optional<Path> caFile, Optional<ClientCertificate> client) {}

  public record ClientCertificate(Path certFile, Path keyFile) {}

  public String describe() {
    String tlsText =
        tls.map(
                t ->
                    "TLS"
                        + (t.caFile().isPresent() ? " (private CA)" : "")
                        + (t.client().isPresent() ? " with client certificate" : ""))
            .orElse("no TLS");
    return "auth " + auth.describe() + ", " + tlsText;
  }
}
