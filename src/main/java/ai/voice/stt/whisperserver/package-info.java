/**
 * {@code stt whisper-server}: the local whisper.cpp recognizer behind an OpenAI-compatible HTTP
 * endpoint, the other half of {@code STT_RECOGNIZER=http}.
 *
 * <pre>
 * client ── POST /v1/audio/transcriptions (multipart: file=WAV, response_format, language)
 *   │  virtual thread per request
 *   ├─ admission: workers + queue permits, else 429 (503 while shutting down)
 *   ├─ bounded read (413), MultipartForm, WavReader, AudioNormalizer (8-48 kHz, 1-2 ch → 16 kHz)
 *   └─ InferenceScheduler (bounded platform pool) → LocalWhisperRecognizer → Replies (json, text,
 *      verbose_json; errors in OpenAI's shape)
 * </pre>
 */
package ai.voice.stt.whisperserver;
