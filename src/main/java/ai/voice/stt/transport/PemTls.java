package ai.voice.stt.transport;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.NatsSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} from PEM files, the form Kubernetes secrets and cert-manager give: CA
 * certificates to trust, and a client certificate chain with its PKCS#8 private key. Java reads PEM
 * certificates natively; the key is unwrapped here. Every failure names the variable.
 */
public final class PemTls {
  private static final char[] NO_PASSWORD = new char[0];
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemTls() {}

  public static SSLContext context(NatsSecurity.Tls tls) {
    try {
      TrustManager[] trust =
          tls.caFile().isPresent() ? trustManagers(tls.caFile().get()) : null; // null: system CAs
      KeyManager[] keys =
          tls.client().isPresent() ? keyManagers(tls.client().get()) : null; // null: no client cert
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("NATS TLS files cannot be used: " + e.getMessage());
    }
  }

  private static TrustManager[] trustManagers(Path caFile) throws GeneralSecurityException {
    Collection<? extends Certificate> cas = certificates("NATS_TLS_CA_FILE", caFile);
    KeyStore store = emptyStore();
    int i = 0;
    for (Certificate ca : cas) {
      store.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static KeyManager[] keyManagers(NatsSecurity.ClientCertificate client)
      throws GeneralSecurityException {
    Certificate[] chain =
        certificates("NATS_TLS_CERT_FILE", client.certFile()).toArray(Certificate[]::new);
    PrivateKey key = privateKey(client.keyFile());
    KeyStore store = emptyStore();
    store.setKeyEntry("client", key, NO_PASSWORD, chain);
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, NO_PASSWORD);
    return factory.getKeyManagers();
  }

  private static Collection<? extends Certificate> certificates(String variable, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new ConfigException(
            "Invalid " + variable + "='" + file + "': no PEM certificate in the file.");
      }
      return certificates;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          "Invalid "
              + variable
              + "='"
              + file
              + "': not PEM certificates ("
              + e.getMessage()
              + ").");
    }
  }

  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException(
          "Invalid NATS_TLS_KEY_FILE='" + file + "': cannot be read (" + e.getMessage() + ").");
    }
    int begin = pem.indexOf(PKCS8_BEGIN);
    int end = pem.indexOf(PKCS8_END);
    if (begin < 0 || end < begin) {
      throw new ConfigException(
          "Invalid NATS_TLS_KEY_FILE='"
              + file
              + "': expected an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert with"
              + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`.");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PKCS8_BEGIN.length(), end));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    throw new ConfigException(
        "Invalid NATS_TLS_KEY_FILE='" + file + "': not an RSA, EC or EdDSA private key.");
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }
}
