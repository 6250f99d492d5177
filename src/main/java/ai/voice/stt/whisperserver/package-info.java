/**
 * {@code stt whisper-server}: the local whisper.cpp recognizer behind an OpenAI-compatible HTTP
 * endpoint, the other half of {@code STT_RECOGNIZER=http}.
 *
 * <pre>
 * client ── POST /v1/audio/transcriptions (multipart: file=WAV, response_format, language)
 *   │  virtual thread per request; listens on loopback unless told otherwise
 *   ├─ 503 while shutting down; 401 without the Bearer key (BearerKey) when one is set
 *   ├─ upload slot (else 429); bounded read (413) within the upload deadline (UploadDeadline: the
 *   │  connection is closed past it)
 *   ├─ MultipartForm, WavReader (8-48 kHz, 1-2 ch), duration cap (400)
 *   ├─ admission: workers + queue permits, taken only now, else 429
 *   └─ AudioNormalizer (→ 16 kHz) → InferenceScheduler (bounded platform pool) →
 *      LocalWhisperRecognizer → Replies (json, text, verbose_json; errors in OpenAI's shape)
 * </pre>
 */
package ai.voice.stt.whisperserver;
