// Microphone audio to the wire format: down-mix to mono, resample to 16 kHz, 16-bit little-endian
// PCM in 20 ms chunks. Pure code without browser APIs: capture-worklet.js runs it on the audio
// thread, and web/test/pcm.test.js runs it under Node.

/**
 * Streaming windowed-sinc resampler (any rate to any rate). The low-pass sits a little below the
 * lower of the two Nyquist frequencies, so 48 kHz speech keeps its band up to ~7 kHz and nothing
 * above 8 kHz folds back into it. Kernels are tabulated for PHASES fractional positions and
 * interpolated between them; each is normalised to unity gain at DC.
 */
export class Resampler {
  static PHASES = 256;

  /**
   * @param {number} inRate input sample rate (Hz)
   * @param {number} outRate output sample rate (Hz)
   * @param {number} zeroCrossings kernel half-width in zero crossings of the low-pass's sinc
   */
  constructor(inRate, outRate, zeroCrossings = 16) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(`bad rates ${inRate} -> ${outRate}`);
    this.inRate = inRate;
    this.outRate = outRate;
    this.step = inRate / outRate; // input samples per output sample
    this.passthrough = inRate === outRate;
    // cutoff in cycles per input sample: 0.5 is the input's Nyquist
    const cutoff = 0.5 * Math.min(1, outRate / inRate) * 0.9;
    this.half = Math.ceil(zeroCrossings / (2 * cutoff)); // taps each side of the centre
    const taps = 2 * this.half;
    const phases = Resampler.PHASES;
    this.table = new Float32Array((phases + 1) * taps);
    for (let p = 0; p <= phases; p++) {
      const frac = p / phases;
      let sum = 0;
      for (let k = 0; k < taps; k++) {
        // tap k is input sample floor(t) - half + 1 + k; distance from t = frac
        const d = k - this.half + 1 - frac;
        const x = 2 * cutoff * d;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const w = blackman(d / (this.half + 1));
        const h = 2 * cutoff * sinc * w;
        this.table[p * taps + k] = h;
        sum += h;
      }
      for (let k = 0; k < taps; k++) this.table[p * taps + k] /= sum;
    }
    // history: `half` zeros before the first sample, so the first output is centred on it
    this.buffer = new Float32Array(Math.max(1024, taps * 2));
    this.length = this.half - 1;
    this.position = this.half - 1; // where the next output is centred, in buffer samples
  }

  /** Resamples one block; returns the output samples it completes (possibly none). */
  process(input) {
    if (this.passthrough) return Float32Array.from(input);
    this.append(input);
    const taps = 2 * this.half;
    const phases = Resampler.PHASES;
    const count = Math.max(0, Math.floor((this.length - this.half - this.position) / this.step) + 1);
    const out = new Float32Array(count);
    let n = 0;
    for (; n < count; n++) {
      const t = this.position;
      const base = Math.floor(t);
      if (base + this.half >= this.length) break;
      const where = (t - base) * phases;
      const p = Math.floor(where);
      const mix = where - p;
      const a = p * taps;
      const b = a + taps;
      const first = base - this.half + 1;
      let acc = 0;
      for (let k = 0; k < taps; k++) {
        const h = this.table[a + k] + mix * (this.table[b + k] - this.table[a + k]);
        acc += h * this.buffer[first + k];
      }
      out[n] = acc;
      this.position += this.step;
    }
    this.discardConsumed();
    return n === count ? out : out.subarray(0, n);
  }

  append(input) {
    if (this.length + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.length + input.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(input, this.length);
    this.length += input.length;
  }

  /** Drops input no future output reaches back to. */
  discardConsumed() {
    const keepFrom = Math.floor(this.position) - this.half + 1;
    if (keepFrom <= 0) return;
    this.buffer.copyWithin(0, keepFrom, this.length);
    this.length -= keepFrom;
    this.position -= keepFrom;
  }
}

function blackman(x) {
  // x in [-1, 1]; 0 at both ends
  if (x <= -1 || x >= 1) return 0;
  const phase = Math.PI * (x + 1);
  return 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
}

/** The mean of the channels of one render block (`channels`: one Float32Array per channel). */
export function downmix(channels) {
  if (channels.length === 1) return channels[0];
  const out = new Float32Array(channels[0].length);
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i] += channel[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= channels.length;
  return out;
}

/** Float samples in [-1, 1] as signed 16-bit little-endian bytes (clipped, rounded). */
export function toPcm16le(samples) {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(2 * i, Math.round(s < 0 ? s * 32768 : s * 32767), true);
  }
  return bytes;
}

/**
 * The whole capture chain: render blocks in, 20 ms chunks of 16 kHz PCM16LE out, each with its
 * level (RMS in dBFS) for the page's meter.
 */
export class CaptureChain {
  constructor(inRate, outRate = 16000, chunkMs = 20) {
    this.resampler = new Resampler(inRate, outRate);
    this.chunkSamples = Math.round((outRate * chunkMs) / 1000);
    this.pending = new Float32Array(this.chunkSamples);
    this.filled = 0;
  }

  /** @returns {{pcm: Uint8Array, level: number}[]} the chunks completed by this block */
  push(channels) {
    const mono = this.resampler.process(downmix(channels));
    const chunks = [];
    let offset = 0;
    while (offset < mono.length) {
      const take = Math.min(this.chunkSamples - this.filled, mono.length - offset);
      this.pending.set(mono.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.chunkSamples) {
        chunks.push({ pcm: toPcm16le(this.pending), level: levelDb(this.pending) });
        this.filled = 0;
      }
    }
    return chunks;
  }
}

/** RMS level in dBFS (-100 for silence). */
export function levelDb(samples) {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return rms > 1e-5 ? 20 * Math.log10(rms) : -100;
}
