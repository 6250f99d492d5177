// What the transcript pane shows, as plain data: the service's messages in, an append-only log
// (finals, interrupts, errors, the end of the stream) and the interim hypotheses still open out.
// No DOM here: app.js renders it, and web/test/transcript.test.js checks it under Node.

/**
 * Maps the session's audio timeline (samples sent) to the page's clock (performance.now() ms when
 * each chunk was handed to NATS), so a result's `audio_end` tells when that audio was captured.
 */
export class AudioClock {
  constructor(sampleRate = 16000, keep = 30000) {
    this.sampleRate = sampleRate;
    this.keep = keep; // chunks remembered: 30,000 x 20 ms = 10 minutes
    this.ends = []; // sample index just after each chunk
    this.times = []; // when it was sent
    this.samples = 0;
  }

  /** A chunk of `samples` samples was sent at `wallMs`. */
  sent(samples, wallMs) {
    this.samples += samples;
    this.ends.push(this.samples);
    this.times.push(wallMs);
    if (this.ends.length > this.keep * 1.5) {
      this.ends.splice(0, this.ends.length - this.keep);
      this.times.splice(0, this.times.length - this.keep);
    }
  }

  /** Seconds of audio sent so far. */
  get seconds() {
    return this.samples / this.sampleRate;
  }

  /** When the audio at `seconds` on the session's timeline was captured, or null if unknown. */
  wallTimeAt(seconds) {
    const sample = seconds * this.sampleRate;
    if (!(sample >= 0) || this.ends.length === 0 || sample > this.samples + 1) return null;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] >= sample) hi = mid;
      else lo = mid + 1;
    }
    // the chunk was complete at times[lo]; a sample inside it was captured that much earlier
    return this.times[lo] - ((this.ends[lo] - sample) / this.sampleRate) * 1000;
  }
}

/** Error codes after which the service takes no more audio in this session. */
export const SESSION_ENDING_ERRORS = new Set([
  "service_busy",
  "session_limit",
  "session_closing",
  "session_audio_limit",
  "session_duration_limit",
]);

export class Transcript {
  constructor() {
    this.log = []; // entries, in arrival order; never changed once added
    this.interims = new Map(); // utterance_id -> {stable, unstable, revision, audioStart, audioEnd, words}
    this.closedThrough = -1; // highest utterance_id whose final arrived
    this.ended = null; // the end_of_stream entry, once it arrived
  }

  /**
   * Applies one decoded output message.
   *
   * @param {object} message the msgpack map as decoded
   * @param {number} arrivalMs performance.now() when it arrived
   * @param {AudioClock} [clock] to turn `audio_end` into a latency
   * @returns {{added: object[], interimsChanged: boolean}}
   */
  apply(message, arrivalMs, clock) {
    const type = message.type === undefined ? "transcription" : message.type;
    const added = [];
    let interimsChanged = false;
    const utterance = Number.isInteger(message.utterance_id) ? message.utterance_id : null;
    switch (type) {
      case "interim": {
        if (utterance === null || utterance <= this.closedThrough) break; // late: its final is in
        const revision = Number.isInteger(message.revision) ? message.revision : 0;
        const shown = this.interims.get(utterance);
        if (shown && revision <= shown.revision) break; // stale or repeated
        let stable = typeof message.stable === "string" ? message.stable : "";
        let unstable = typeof message.unstable === "string" ? message.unstable : null;
        if (unstable === null) {
          const whole = typeof message.transcript === "string" ? message.transcript : "";
          unstable = whole.startsWith(stable) ? whole.slice(stable.length) : whole;
          if (!whole.startsWith(stable)) stable = "";
        }
        this.interims.set(utterance, {
          utterance,
          revision,
          stable,
          unstable,
          audioStart: numberOrNull(message.audio_start),
          audioEnd: numberOrNull(message.audio_end),
          words: wordsOf(message),
          confidence: numberOrNull(message.confidence),
        });
        interimsChanged = true;
        break;
      }
      case "transcription": {
        if (utterance !== null) {
          // A result covers its utterance up to its end: the interim for it (and any older one) is
          // replaced. A buffer cut (is_partial) continues the utterance, whose next interims come
          // with higher revisions; a final closes it.
          for (const id of [...this.interims.keys()]) {
            if (id <= utterance) {
              this.interims.delete(id);
              interimsChanged = true;
            }
          }
          if (message.is_final || message.end_of_stream) {
            this.closedThrough = Math.max(this.closedThrough, utterance);
          }
        }
        const text = typeof message.transcript === "string" ? message.transcript.trim() : "";
        if (text) {
          const audioEnd = numberOrNull(message.audio_end);
          const captured = clock && audioEnd !== null ? clock.wallTimeAt(audioEnd) : null;
          added.push({
            kind: "final",
            text,
            sequence: message.sequence,
            utterance,
            partial: Boolean(message.is_partial),
            audioStart: numberOrNull(message.audio_start),
            audioEnd,
            latency: captured === null ? null : Math.max(0, (arrivalMs - captured) / 1000),
            processingTime: numberOrNull(message.processing_time),
            queueTime: numberOrNull(message.queue_time),
            state: message.state,
            words: wordsOf(message),
            confidence: numberOrNull(message.confidence),
          });
        }
        if (message.end_of_stream) {
          if (this.interims.size) interimsChanged = true;
          this.interims.clear();
          const entry = {
            kind: "end",
            reason: typeof message.end_reason === "string" ? message.end_reason : "end",
            audioEnd: numberOrNull(message.audio_end),
          };
          this.ended = entry;
          added.push(entry);
        }
        break;
      }
      case "interrupt":
        added.push({ kind: "interrupt", timestamp: numberOrNull(message.timestamp) });
        break;
      case "end_of_turn":
      case "resumed":
        added.push({
          kind: "turn",
          event: message.type,
          sequence: numberOrNull(message.sequence),
          early: message.early === true,
          probability: numberOrNull(message.probability),
        });
        break;
      case "error":
        added.push({
          kind: "error",
          code: String(message.code ?? "unknown"),
          message: String(message.message ?? ""),
          endsSession: SESSION_ENDING_ERRORS.has(message.code),
        });
        break;
      default:
        break; // a type this page does not know: ignored, as the contract asks of clients
    }
    this.log.push(...added);
    return { added, interimsChanged };
  }

  /** The open interim hypotheses, oldest utterance first. */
  openInterims() {
    return [...this.interims.values()].sort((a, b) => a.utterance - b.utterance);
  }

  /** The finals' text joined, as a transcript. */
  text() {
    return this.log
      .filter((e) => e.kind === "final")
      .map((e) => e.text)
      .join(" ");
  }
}

function numberOrNull(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** "0.84 s" */
export function seconds(value, digits = 2) {
  return `${value.toFixed(digits)} s`;
}

/** The line of facts under a final: audio covered, latency, recognizer time. */
export function describeFinal(entry) {
  const parts = [];
  if (entry.audioStart !== null && entry.audioEnd !== null) {
    parts.push(`${entry.audioStart.toFixed(2)}–${entry.audioEnd.toFixed(2)} s`);
  }
  if (entry.latency !== null) parts.push(`latency ${seconds(entry.latency)}`);
  if (entry.processingTime !== null) parts.push(`recognizer ${seconds(entry.processingTime)}`);
  if (entry.queueTime !== null && entry.queueTime >= 0.005) parts.push(`queued ${seconds(entry.queueTime)}`);
  if (entry.partial) parts.push("buffer cut, continues");
  return parts.join(" · ");
}

/** Below this confidence a word is marked as possibly wrong. */
export const LOW_CONFIDENCE = 0.5;

/**
 * The result's words (sessions that asked for word_timestamps), each {word, start, end,
 * confidence, low}; an empty list when the result has none or they are malformed.
 */
export function wordsOf(message) {
  if (!Array.isArray(message.words)) return [];
  return message.words
    .filter((w) => w && typeof w.word === "string" && typeof w.confidence === "number")
    .map((w) => ({
      word: w.word,
      start: numberOrNull(w.start),
      end: numberOrNull(w.end),
      confidence: w.confidence,
      low: w.confidence < LOW_CONFIDENCE,
    }));
}

/**
 * An interim's words as shown, stable ones first: each {word, stable, confidence, low}. The
 * confidence is that of the hypothesis's word at the same place (sessions that asked for
 * word_timestamps), when it is spelled the same; a stable word the latest hypothesis did not repeat
 * has none (null) and is never marked.
 */
export function interimWords(interim) {
  const split = (text) => (text || "").trim().split(/\s+/).filter(Boolean);
  const shown = [
    ...split(interim.stable).map((word) => ({ word, stable: true })),
    ...split(interim.unstable).map((word) => ({ word, stable: false })),
  ];
  const heard = interim.words || [];
  return shown.map((w, i) => {
    const confidence = heard[i] && heard[i].word === w.word ? heard[i].confidence : null;
    return { ...w, confidence, low: confidence !== null && confidence < LOW_CONFIDENCE };
  });
}
