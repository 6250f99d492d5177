package ai.voice.stt.vad;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * libfvad's C API ({@code fvad.h}: WebRTC's voice activity detector), called directly through JNA.
 *
 * <p>The native library is the one libfvad-jni ships, which exports libfvad's functions next to its
 * own JNI entry points. Its JNI layer is bypassed on purpose: fuzzing found that it keeps every
 * detector in one unsynchronised {@code std::map} keyed by {@code rand()} (concurrent sessions
 * corrupted it and {@code map::at} aborted the JVM) and that each frame leaks a copy of the audio
 * (~1 KB per 30 ms frame, {@code GetShortArrayElements} without its release). Called directly, each
 * detector is an independent {@code Fvad*} and JNA frees what it copies.
 *
 * <p>The library is loaded once per process, as any native library is.
 */
final class LibFvad {
  private LibFvad() {}

  static {
    Native.register(LibFvad.class, NativeLibrary.getInstance(extract().toString()));
  }

  /** Forces loading (and so any loading error) at start-up rather than on the first session. */
  static void load() {}

  static native Pointer fvad_new();

  static native void fvad_free(Pointer inst);

  static native int fvad_set_mode(Pointer inst, int mode);

  static native int fvad_set_sample_rate(Pointer inst, int sampleRate);

  /**
   * @return 1 voiced, 0 unvoiced, -1 invalid frame length
   */
  static native int fvad_process(Pointer inst, short[] frame, NativeLong length);

  private static Path extract() {
    String resource = resourceForThisPlatform();
    try (InputStream in = LibFvad.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is not on the classpath (libfvad-jni missing?)");
      }
      Path file = Files.createTempFile("libfvad-", resource.substring(resource.lastIndexOf('.')));
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the WebRTC VAD native library", e);
    }
  }

  /** Where libfvad-jni keeps the library for this OS and architecture. */
  private static String resourceForThisPlatform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    if (os.contains("linux") && x64) {
      return "/debian-amd64/liblibfvad-jni.so";
    }
    if (os.contains("linux") && arm64) {
      return "/debian-arm64/liblibfvad-jni.so";
    }
    if (os.contains("linux") && arch.startsWith("arm")) {
      return "/debian-armv7l/liblibfvad-jni.so";
    }
    if (os.contains("mac")) {
      return arm64 ? "/macos-arm64/liblibfvad-jni.dylib" : "/macos-amd64/liblibfvad-jni.dylib";
    }
    if (os.contains("win") && x64) {
      return "/win-amd64/libfvad-jni.dll";
    }
    throw new UnsupportedOperationException("no WebRTC VAD library for " + os + "/" + arch);
  }
}
