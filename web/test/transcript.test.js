// Unit tests of what the transcript pane shows: finals appended, interims replaced by revision and
// dropped by their final, legacy results (no utterance_id) appended, latency from audio_end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AudioClock, LOW_CONFIDENCE, Transcript, describeFinal, interimWords } from "../transcript.js";

const interim = (utterance, revision, stable, unstable, extra = {}) => ({
  type: "interim",
  session_id: "s",
  utterance_id: utterance,
  revision,
  stable,
  unstable,
  transcript: stable + unstable,
  ...extra,
});
const final = (sequence, transcript, extra = {}) => ({
  type: "transcription",
  session_id: "s",
  sequence,
  transcript,
  is_final: true,
  is_partial: false,
  ...extra,
});

test("an interim is replaced by its next revision, and its final drops it", () => {
  const t = new Transcript();
  assert.equal(t.apply(interim(0, 0, "", "hello"), 0).interimsChanged, true);
  t.apply(interim(0, 1, "hello ", "wor"), 0);
  assert.deepEqual(
    t.openInterims().map((i) => [i.utterance, i.revision, i.stable, i.unstable]),
    [[0, 1, "hello ", "wor"]],
  );
  const { added, interimsChanged } = t.apply(final(0, " Hello world.", { utterance_id: 0 }), 0);
  assert.equal(interimsChanged, true);
  assert.deepEqual(t.openInterims(), []);
  assert.equal(added.length, 1);
  assert.equal(added[0].text, "Hello world.");
  assert.equal(t.text(), "Hello world.");
});

test("stale revisions and interims after their final are ignored", () => {
  const t = new Transcript();
  t.apply(interim(3, 2, "a ", "b"), 0);
  assert.equal(t.apply(interim(3, 1, "", "x"), 0).interimsChanged, false);
  assert.equal(t.apply(interim(3, 2, "", "x"), 0).interimsChanged, false);
  t.apply(final(0, "a b", { utterance_id: 3 }), 0);
  assert.equal(t.apply(interim(3, 3, "a b", ""), 0).interimsChanged, false);
  assert.equal(t.apply(interim(2, 9, "", "older"), 0).interimsChanged, false);
  assert.deepEqual(t.openInterims(), []);
});

test("the next utterance's interim may show while the previous one awaits its final", () => {
  const t = new Transcript();
  t.apply(interim(0, 0, "", "first"), 0);
  t.apply(interim(1, 0, "", "second"), 0);
  assert.deepEqual(t.openInterims().map((i) => i.utterance), [0, 1]);
  t.apply(final(0, "First.", { utterance_id: 0 }), 0);
  assert.deepEqual(t.openInterims().map((i) => i.unstable), ["second"]);
});

test("a buffer cut (is_partial) drops the interim but keeps the utterance open", () => {
  const t = new Transcript();
  t.apply(interim(0, 4, "a long ", "one"), 0);
  t.apply({ ...final(0, "A long one", { utterance_id: 0 }), is_final: false, is_partial: true }, 0);
  assert.deepEqual(t.openInterims(), []);
  assert.equal(t.apply(interim(0, 5, "", "and more"), 0).interimsChanged, true);
  assert.equal(t.log[0].partial, true);
});

test("an interim without stable/unstable shows its transcript as unstable", () => {
  const t = new Transcript();
  t.apply({ type: "interim", utterance_id: 0, revision: 0, transcript: "maybe this" }, 0);
  assert.deepEqual(t.openInterims().map((i) => [i.stable, i.unstable]), [["", "maybe this"]]);
});

test("legacy results (no type, no utterance_id) are appended; interims stay", () => {
  const t = new Transcript();
  t.apply(interim(0, 0, "", "x"), 0);
  const legacy = { session_id: "s", transcript: "Ten of clubs.", sequence: 0, is_final: true };
  assert.equal(t.apply(legacy, 0).added[0].text, "Ten of clubs.");
  assert.equal(t.openInterims().length, 1);
});

test("empty results add nothing; end_of_stream adds an end entry and clears interims", () => {
  const t = new Transcript();
  assert.deepEqual(t.apply(final(0, "  "), 0).added, []);
  t.apply(interim(1, 0, "", "x"), 0);
  const { added } = t.apply(final(1, "", { end_of_stream: true, end_reason: "idle_timeout" }), 0);
  assert.deepEqual(added, [{ kind: "end", reason: "idle_timeout", audioEnd: null }]);
  assert.deepEqual(t.openInterims(), []);
  assert.equal(t.ended.reason, "idle_timeout");
});

test("interrupts and errors are logged; session-ending codes are flagged; unknown types ignored", () => {
  const t = new Transcript();
  t.apply({ type: "interrupt", timestamp: 12.5 }, 0);
  t.apply({ type: "error", code: "overloaded", message: "audio 5.00-7.00 s" }, 0);
  t.apply({ type: "error", code: "service_busy", message: "busy" }, 0);
  t.apply({ type: "something_new" }, 0);
  assert.deepEqual(
    t.log.map((e) => [e.kind, e.code, e.endsSession]),
    [
      ["interrupt", undefined, undefined],
      ["error", "overloaded", false],
      ["error", "service_busy", true],
    ],
  );
});

test("end-of-turn events are logged with the final they name", () => {
  const t = new Transcript();
  t.apply({ type: "end_of_turn", sequence: 3, early: true, probability: 0.91 }, 0);
  t.apply({ type: "resumed", sequence: 3, early: true }, 0);
  assert.deepEqual(
    t.log.map((e) => [e.kind, e.event, e.sequence, e.early, e.probability]),
    [
      ["turn", "end_of_turn", 3, true, 0.91],
      ["turn", "resumed", 3, true, null],
    ],
  );
});

test("latency: arrival minus the capture time of the result's audio_end", () => {
  const clock = new AudioClock(16000);
  // 20 ms chunks sent every 20 ms from t = 1000 ms: chunk k (ending at sample 320(k+1)) at 1020 + 20k
  for (let k = 0; k < 200; k++) clock.sent(320, 1020 + 20 * k);
  assert.equal(clock.seconds, 4);
  assert.equal(clock.wallTimeAt(1.0), 2000); // sample 16000 ends chunk 49, sent at 2000 ms
  assert.equal(clock.wallTimeAt(0.99), 1990); // inside chunk 49: 10 ms before its end
  assert.equal(clock.wallTimeAt(5), null); // not sent yet
  const t = new Transcript();
  const { added } = t.apply(
    final(0, "Go forward ten meters.", { audio_start: 0.5, audio_end: 1.0, processing_time: 0.31, queue_time: 0 }),
    2840,
    clock,
  );
  assert.ok(Math.abs(added[0].latency - 0.84) < 1e-9);
  assert.equal(describeFinal(added[0]), "0.50–1.00 s · latency 0.84 s · recognizer 0.31 s");
});

test("the clock forgets old chunks but keeps answering for recent audio", () => {
  const clock = new AudioClock(16000, 100);
  for (let k = 0; k < 1000; k++) clock.sent(320, 20 * (k + 1));
  assert.ok(clock.ends.length <= 150);
  assert.equal(clock.wallTimeAt(19.98), 19980);
});

test("a final's words come with their confidence, low ones marked", () => {
  const t = new Transcript();
  const { added } = t.apply(
    final(0, "10 of clubs", {
      confidence: 0.71,
      words: [
        { word: "10", start: 4.67, end: 5.09, confidence: 0.9 },
        { word: "clubs", start: 5.39, end: 5.58, confidence: LOW_CONFIDENCE - 0.2 },
      ],
    }),
    0,
  );
  assert.deepEqual(
    added[0].words.map((w) => [w.word, w.low]),
    [
      ["10", false],
      ["clubs", true],
    ],
  );
  assert.equal(added[0].confidence, 0.71);
});

test("a final without words (a session that did not ask) has none", () => {
  const t = new Transcript();
  const { added } = t.apply(final(0, "hello"), 0);
  assert.deepEqual(added[0].words, []);
});

test("an interim's words come with their confidence, low ones marked; without words none", () => {
  const t = new Transcript();
  t.apply(
    interim(0, 1, "Ten of", "clubs", {
      confidence: 0.6,
      words: [
        { word: "Ten", start: 4.1, end: 4.3, confidence: 0.9 },
        { word: "of", start: 4.3, end: 4.5, confidence: 0.8 },
        { word: "clubs", start: 4.6, end: 5.0, confidence: LOW_CONFIDENCE - 0.2 },
      ],
    }),
    0,
  );
  const [shown] = t.openInterims();
  assert.equal(shown.confidence, 0.6);
  assert.deepEqual(
    interimWords(shown).map((w) => [w.word, w.stable, w.low]),
    [
      ["Ten", true, false],
      ["of", true, false],
      ["clubs", false, true],
    ],
  );
  t.apply(interim(1, 0, "", "hello"), 0);
  const plain = t.openInterims()[1];
  assert.deepEqual(plain.words, []);
  assert.deepEqual(
    interimWords(plain).map((w) => [w.word, w.confidence, w.low]),
    [["hello", null, false]],
  );
});

test("a stable word the latest hypothesis spelled differently is not marked", () => {
  const words = interimWords({
    stable: "Mr. John",
    unstable: "went",
    words: [
      { word: "And", confidence: 0.1 },
      { word: "Mr.", confidence: 0.1 },
      { word: "went", confidence: 0.2 },
    ],
  });
  assert.deepEqual(
    words.map((w) => [w.word, w.low]),
    [
      ["Mr.", false],
      ["John", false],
      ["went", true],
    ],
  );
});
