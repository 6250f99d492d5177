package ai.voice.stt.config;

/**
 * Makes a URL fit for logs and messages: a {@code user:password@} or {@code token@} before the host
 * is masked. Works on text that does not parse as a URI too (an invalid setting is exactly what
 * gets echoed in an error), so it masks everything from the scheme (or the start) to the last
 * {@code @}: a password may hold characters a parser would stop at.
 */
public final class UrlRedaction {
  private static final String MASK = "***";

  private UrlRedaction() {}

  /**
   * @return {@code url} with its user information masked; empty for null
   */
  public static String withoutUserInfo(String url) {
    if (url == null) {
      return "";
    }
    int at = url.lastIndexOf('@');
    if (at < 0) {
      return url;
    }
    int scheme = url.indexOf("://");
    int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
    return url.substring(0, start) + MASK + url.substring(at);
  }
}
