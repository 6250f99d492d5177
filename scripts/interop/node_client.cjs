#!/usr/bin/env node
// Interop check: a Node backend as the wire contract names it (`nats` + `@msgpack/msgpack`,
// unchanged third-party libraries) talks to voice-stt while its assistant is speaking: the session
// starts in `responding`, the user barges in, and the client expects one interrupt and then the
// user's speech transcribed.
//
//   NODE_PATH=.cache/node-interop/node_modules node scripts/interop/node_client.cjs \
//     --nats-url nats://127.0.0.1:4222 --wav fixtures/streams/multi_utterance_2.wav \
//     --reference fixtures/streams/multi_utterance_2.txt --session node-1
//
// Checks: exactly one interrupt, before any transcript, carrying the speaker id; every result
// after it in state "listening" with the speaker id; sequences 0..n-1 without gaps; exactly one
// end_of_stream and it is the last message; no error messages; one non-empty final per reference
// line; word error rate of the joined finals below --max-wer. Exit status 0 when all pass.
"use strict";

const fs = require("fs");
const { connect } = require("nats");
const { encode, decode } = require("@msgpack/msgpack");

const CHUNK_SECONDS = 0.02;

function parseArgs(argv) {
  const args = {
    natsUrl: "nats://127.0.0.1:4222",
    wav: "fixtures/streams/multi_utterance_2.wav",
    reference: "fixtures/streams/multi_utterance_2.txt",
    session: `node-${Date.now()}`,
    speaker: "node-speaker",
    timeout: 60,
    maxWer: 0.35,
    save: null,
  };
  const names = {
    "--nats-url": "natsUrl", "--wav": "wav", "--reference": "reference", "--session": "session",
    "--speaker": "speaker", "--timeout": "timeout", "--max-wer": "maxWer", "--save": "save",
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) {
      throw new Error(`unknown or incomplete option: ${argv[i]}`);
    }
    args[key] = ["timeout", "maxWer"].includes(key) ? Number(argv[i + 1]) : argv[i + 1];
  }
  return args;
}

// A RIFF/WAVE file's format and PCM, found by walking its chunks (some writers add LIST chunks).
function readWav(path) {
  const file = fs.readFileSync(path);
  if (file.toString("ascii", 0, 4) !== "RIFF" || file.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${path}: not a WAV file`);
  }
  let format = null;
  for (let offset = 12; offset + 8 <= file.length; ) {
    const id = file.toString("ascii", offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      format = {
        channels: file.readUInt16LE(body + 2),
        rate: file.readUInt32LE(body + 4),
        bits: file.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      if (!format || format.bits !== 16) {
        throw new Error(`${path}: need 16-bit PCM`);
      }
      return { ...format, pcm: file.subarray(body, body + size) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

// Word error rate with the normalisation of the project's WordErrorRate and py_client.py.
const NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve " +
  "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty").split(" ");
function normalise(text) {
  return text.toLowerCase().replace(/['\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim()
    .split(/\s+/).filter((w) => w)
    .map((w) => (w === "mr" ? "mister" : /^\d+$/.test(w) && Number(w) <= 20 ? NUMBER_WORDS[Number(w)] : w));
}
function wordErrorRate(reference, hypothesis) {
  const ref = normalise(reference);
  const hyp = normalise(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const current = [i];
    for (let j = 1; j <= hyp.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1,
        previous[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[hyp.length] / ref.length;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function streamAndCollect(args) {
  const { rate, channels, pcm } = readWav(args.wav);
  const inSubject = `ai.voice.stream.${args.session}`;
  const outSubject = `ai.voice.transcription.${args.session}`;
  const nc = await connect({ servers: args.natsUrl });
  const received = [];
  let endOfStream;
  const ended = new Promise((resolve) => (endOfStream = resolve));
  const subscription = nc.subscribe(outSubject);
  (async () => {
    for await (const message of subscription) {
      const data = decode(message.data);
      received.push(data);
      if (data.end_of_stream) endOfStream();
    }
  })();
  await nc.flush(); // the subscription is live before any audio goes out

  nc.publish(inSubject, encode({
    type: "start", session_id: args.session, sample_rate: rate, channels,
    state: "responding", speaker_id: args.speaker,
  }));
  const chunkBytes = Math.round(rate * CHUNK_SECONDS) * channels * 2;
  const chunks = Math.ceil(pcm.length / chunkBytes);
  console.log(`streaming ${args.wav}: ${(pcm.length / (2 * channels * rate)).toFixed(2)} s, ` +
    `${chunks} chunks of 20 ms at real-time pace to ${inSubject}, state responding`);
  const started = Date.now();
  for (let i = 0; i < chunks; i++) {
    const chunk = pcm.subarray(i * chunkBytes, (i + 1) * chunkBytes);
    nc.publish(inSubject, encode({
      type: "chunk", audio_b64: chunk.toString("base64"), timestamp: Date.now() / 1000,
    }));
    const delay = started + (i + 1) * CHUNK_SECONDS * 1000 - Date.now();
    if (delay > 0) await sleep(delay);
  }
  nc.publish(inSubject, encode({ type: "end" }));
  await nc.flush();
  console.log(`sent end after ${((Date.now() - started) / 1000).toFixed(2)} s; waiting for end_of_stream`);
  const timedOut = await Promise.race([
    ended.then(() => false),
    sleep(args.timeout * 1000).then(() => true),
  ]);
  await sleep(200); // anything published after end_of_stream would be a bug
  await nc.drain();
  return { received, timedOut };
}

function check(received, timedOut, referenceLines, args) {
  const failures = [];
  const results = received.filter((m) => m.type === "transcription");
  const interrupts = received.filter((m) => m.type === "interrupt");
  const errors = received.filter((m) => m.type === "error");
  console.log(`\nreceived ${received.length} messages: ${results.length} transcription, ` +
    `${interrupts.length} interrupt, ${errors.length} error`);
  for (const m of received) {
    if (m.type === "transcription") {
      const flags = ["is_partial", "is_final", "end_of_stream"].filter((f) => m[f]).join(",");
      console.log(`  #${m.sequence} [${flags}] state=${m.state} ${JSON.stringify(m.transcript)}`);
    } else {
      console.log(`  ${m.type}: ${JSON.stringify(m)}`);
    }
  }
  if (timedOut) failures.push("no end_of_stream result within the timeout");
  if (errors.length) failures.push(`${errors.length} error message(s): ${JSON.stringify(errors)}`);

  if (interrupts.length !== 1) {
    failures.push(`${interrupts.length} interrupts, expected exactly 1`);
  } else {
    const interrupt = interrupts[0];
    const firstSpoken = received.findIndex((m) => m.type === "transcription" && String(m.transcript).trim());
    if (firstSpoken !== -1 && received.indexOf(interrupt) > firstSpoken) {
      failures.push("the interrupt came after a transcript");
    }
    if (interrupt.speaker_id !== args.speaker) failures.push(`interrupt speaker_id ${interrupt.speaker_id}`);
    if (typeof interrupt.timestamp !== "number") failures.push("interrupt without a numeric timestamp");
  }
  for (const m of results) {
    if (m.speaker_id !== args.speaker) failures.push(`result #${m.sequence} speaker_id ${m.speaker_id}`);
    if (m.state !== "listening") failures.push(`result #${m.sequence} state ${m.state} after the barge-in`);
  }
  const sequences = results.map((m) => m.sequence);
  if (sequences.some((s, i) => s !== i)) failures.push(`sequences not 0..n-1: ${sequences}`);
  const eos = results.filter((m) => m.end_of_stream);
  if (eos.length !== 1) failures.push(`${eos.length} results with end_of_stream, expected 1`);
  else if (received[received.length - 1] !== eos[0]) failures.push("end_of_stream is not the last message");

  const finals = results.filter((m) => m.is_final && String(m.transcript).trim());
  if (finals.length !== referenceLines.length) {
    failures.push(`${finals.length} non-empty finals, expected ${referenceLines.length}`);
  }
  referenceLines.forEach((ref, i) => {
    console.log(`  utterance ${i}: ref=${JSON.stringify(ref)}\n               hyp=` +
      JSON.stringify(i < finals.length ? finals[i].transcript : "<missing>"));
  });
  const wer = wordErrorRate(referenceLines.join(" "), finals.map((m) => String(m.transcript)).join(" "));
  console.log(`  WER ${(100 * wer).toFixed(1)}% (limit ${(100 * args.maxWer).toFixed(0)}%)`);
  if (wer >= args.maxWer) failures.push(`WER ${wer.toFixed(3)} >= ${args.maxWer}`);
  return { failures, wer, results: results.length, finals: finals.length };
}

async function main() {
  const args = parseArgs(process.argv);
  const referenceLines = fs.readFileSync(args.reference, "utf8").split("\n").map((l) => l.trim()).filter((l) => l);
  const versions = ["nats", "@msgpack/msgpack"].map((p) => `${p} ${require(`${p}/package.json`).version}`);
  console.log(`${versions.join(", ")} (node ${process.version}); session ${args.session}`);
  const { received, timedOut } = await streamAndCollect(args);
  if (args.save) fs.writeFileSync(args.save, JSON.stringify(received, null, 1));
  const { failures, wer, results, finals } = check(received, timedOut, referenceLines, args);
  for (const failure of failures) console.log(`FAIL: ${failure}`);
  console.log(`node_client: ${failures.length ? "FAIL" : "PASS"} session=${args.session} results=${results} ` +
    `finals=${finals}/${referenceLines.length} WER=${(100 * wer).toFixed(1)}% failures=${failures.length}`);
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(`node_client: ${error.stack || error}`);
  process.exit(1);
});
