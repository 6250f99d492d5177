package ai.voice.stt.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away private CA with a server certificate for 127.0.0.1/localhost and a client
 * certificate, made with the machine's {@code openssl} for one test run. Keys are EC P-256 in
 * PKCS#8 PEM, the form OpenSSL 3 and cert-manager write.
 */
public record TestCertificates(
    Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

  public static TestCertificates generate(Path dir) throws IOException, InterruptedException {
    Path caKey = key(dir, "ca");
    Path ca = dir.resolve("ca.pem");
    openssl(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        caKey.toString(),
        "-sha256",
        "-days",
        "1",
        "-subj",
        "/CN=voice-stt test CA",
        "-out",
        ca.toString());
    Path serverKey = key(dir, "server");
    Path serverCert =
        sign(dir, "server", serverKey, ca, caKey, "subjectAltName=IP:127.0.0.1,DNS:localhost");
    Path clientKey = key(dir, "client");
    Path clientCert = sign(dir, "client", clientKey, ca, caKey, "extendedKeyUsage=clientAuth");
    return new TestCertificates(ca, serverCert, serverKey, clientCert, clientKey);
  }

  private static Path key(Path dir, String name) throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    openssl(
        dir,
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        key.toString());
    return key;
  }

  private static Path sign(Path dir, String name, Path key, Path ca, Path caKey, String extension)
      throws IOException, InterruptedException {
    Path csr = dir.resolve(name + ".csr");
    Path ext = Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
    Path cert = dir.resolve(name + ".pem");
    openssl(
        dir, "req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString());
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        ca.toString(),
        "-CAkey",
        caKey.toString(),
        "-CAcreateserial",
        "-days",
        "1",
        "-sha256",
        "-extfile",
        ext.toString(),
        "-out",
        cert.toString());
    return cert;
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
    }
  }
}
