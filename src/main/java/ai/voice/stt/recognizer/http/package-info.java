/**
 * The HTTP recognizer: {@link ai.voice.stt.recognizer.http.HttpWhisperRecognizer} sends each
 * utterance to a Whisper server (OpenAI-style {@code /v1/audio/transcriptions} or whisper.cpp's
 * {@code /inference}).
 *
 * <pre>
 * transcribe(samples) ── WavWriter ── MultipartBody (ApiShape decides route and fields)
 *   loop attempts:
 *     CircuitBreaker.tryAcquire ── refused → recognizer_unavailable at once
 *     HttpClient (pooled HTTP/1.1, per-request timeout, LimitedBody)
 *       → Outcome: Answered | Rejected (4xx: recognizer_error) | TimedOut (not retried)
 *                  | Failed (connect error, 408, 429, 5xx: Backoff, then again)
 * </pre>
 *
 * Decision record: docs/decisions/0006-http-recognizer.md.
 */
package ai.voice.stt.recognizer.http;
