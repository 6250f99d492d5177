// Unit tests of the capture chain (node --test web/test/): what leaves the browser must be 16 kHz
// mono PCM16LE in 20 ms chunks whatever rate and channel count the microphone has.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CaptureChain, Resampler, downmix, levelDb, toPcm16le } from "../pcm.js";

const tone = (rate, hz, seconds, amplitude = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

/** Resamples `input` in render blocks of `block` samples, as the worklet does. */
function resampleInBlocks(resampler, input, block = 128) {
  const parts = [];
  for (let i = 0; i < input.length; i += block) parts.push(resampler.process(input.subarray(i, i + block)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Amplitude of frequency `hz` in `samples` (a single-bin DFT over whole periods). */
function amplitudeAt(samples, rate, hz) {
  let re = 0;
  let im = 0;
  for (let i = 0; i < samples.length; i++) {
    re += samples[i] * Math.cos((2 * Math.PI * hz * i) / rate);
    im += samples[i] * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / samples.length;
}

const steady = (samples, rate) => samples.subarray(Math.round(rate * 0.1), Math.round(rate * 0.9));

for (const inRate of [48000, 44100, 32000, 22050, 16000, 8000]) {
  test(`${inRate} Hz -> 16 kHz: one output sample per ${(inRate / 16000).toFixed(4)} input samples, a 1 kHz tone intact`, () => {
    const out = resampleInBlocks(new Resampler(inRate, 16000), tone(inRate, 1000, 1));
    // the kernel's look-ahead holds back at most its half-width
    assert.ok(Math.abs(out.length - 16000) <= 0.01 * 16000 + 100, `got ${out.length} samples`);
    const amplitude = amplitudeAt(steady(out, 16000), 16000, 1000);
    assert.ok(Math.abs(amplitude - 0.5) < 0.01, `1 kHz amplitude ${amplitude}`);
  });
}

test("48 kHz -> 16 kHz: a 12 kHz tone (above the new Nyquist) does not fold back to 4 kHz", () => {
  const out = resampleInBlocks(new Resampler(48000, 16000), tone(48000, 12000, 1));
  const aliased = amplitudeAt(steady(out, 16000), 16000, 4000);
  assert.ok(20 * Math.log10(aliased / 0.5) < -50, `alias at ${(20 * Math.log10(aliased / 0.5)).toFixed(1)} dB`);
});

test("44.1 kHz -> 16 kHz: speech band kept (3 kHz within 0.1 dB), 9 kHz suppressed", () => {
  const pass = resampleInBlocks(new Resampler(44100, 16000), tone(44100, 3000, 1));
  const gain = 20 * Math.log10(amplitudeAt(steady(pass, 16000), 16000, 3000) / 0.5);
  assert.ok(Math.abs(gain) < 0.1, `3 kHz gain ${gain.toFixed(3)} dB`);
  const stop = resampleInBlocks(new Resampler(44100, 16000), tone(44100, 9000, 1));
  const alias = amplitudeAt(steady(stop, 16000), 16000, 7000); // 9 kHz folds to 7 kHz
  assert.ok(20 * Math.log10(alias / 0.5) < -40, `9 kHz leaks at ${(20 * Math.log10(alias / 0.5)).toFixed(1)} dB`);
});

test("block size does not change the output", () => {
  const input = tone(48000, 440, 0.5);
  const a = resampleInBlocks(new Resampler(48000, 16000), input, 128);
  const b = resampleInBlocks(new Resampler(48000, 16000), input, 997);
  const n = Math.min(a.length, b.length);
  assert.ok(n > 7800);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `sample ${i}: ${a[i]} vs ${b[i]}`);
});

test("downmix averages the channels; one channel passes as is", () => {
  assert.deepEqual(Array.from(downmix([Float32Array.of(1, 0.5), Float32Array.of(0, -0.5)])), [0.5, 0]);
  const mono = Float32Array.of(0.25);
  assert.equal(downmix([mono]), mono);
});

test("PCM16LE: clipped, rounded, little-endian", () => {
  const bytes = toPcm16le(Float32Array.of(0, 1, -1, 2, -2, 0.5));
  const view = new DataView(bytes.buffer);
  const values = Array.from({ length: 6 }, (_, i) => view.getInt16(2 * i, true));
  assert.deepEqual(values, [0, 32767, -32768, 32767, -32768, 16384]);
  assert.deepEqual(Array.from(bytes.subarray(2, 4)), [0xff, 0x7f]);
});

test("capture chain: stereo 48 kHz in 128-frame blocks -> 640-byte chunks, 50 a second", () => {
  const chain = new CaptureChain(48000, 16000, 20);
  const left = tone(48000, 500, 1, 0.3);
  const right = tone(48000, 500, 1, 0.1);
  const chunks = [];
  for (let i = 0; i < left.length; i += 128) {
    chunks.push(...chain.push([left.subarray(i, i + 128), right.subarray(i, i + 128)]));
  }
  assert.ok(chunks.length >= 49 && chunks.length <= 50, `${chunks.length} chunks`);
  for (const chunk of chunks) assert.equal(chunk.pcm.length, 640);
  // the down-mix of 0.3 and 0.1 in phase: amplitude 0.2, RMS 0.141 = -17 dBFS
  const level = chunks[25].level;
  assert.ok(Math.abs(level - 20 * Math.log10(0.2 / Math.SQRT2)) < 0.3, `level ${level}`);
});

test("level of silence is -100 dBFS", () => {
  assert.equal(levelDb(new Float32Array(320)), -100);
});
