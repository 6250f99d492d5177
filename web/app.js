// The live microphone page: a client of the wire contract (docs/protocol.md) like any other, talking
// to NATS directly through nats-server's WebSocket listener. `stt demo-web` serves it with
// config.json (where NATS is, the subject prefixes) and the two libraries under vendor/.
import { connect, Empty, Events } from "./vendor/nats.ws/esm/nats.js";
import { decode, encode } from "./vendor/@msgpack/msgpack/dist.esm/index.mjs";
import { CHUNK_MS, TARGET_RATE, openMicrophone } from "./audio-capture.js";
import { AudioClock, Transcript, describeFinal, interimWords } from "./transcript.js";

const END_OF_STREAM_WAIT_MS = 15000;
const STATUS_TIMEOUT_MS = 2000;

const $ = (id) => document.getElementById(id);
const ui = {
  start: $("start"),
  stop: $("stop"),
  responding: $("responding"),
  processing: $("processing"),
  level: $("level"),
  notice: $("notice"),
  noticeText: $("notice-text"),
  retry: $("retry"),
  nats: $("nats-status"),
  service: $("service-status"),
  session: $("session-id"),
  audio: $("audio-status"),
  subjects: $("subjects"),
  log: $("log"),
  live: $("live"),
  placeholder: $("placeholder"),
  pane: $("pane"),
};

// Also what the browser test reads (web/test/chromium.js), and handy in the console.
const demo = {
  config: null,
  nc: null,
  session: null,
  connecting: null,
  stats: { chunks: 0, bytes: 0, chunkSizes: [], results: 0 },
};
window.sttDemo = demo;

// ------------------------------------------------------------------ notices and status lines

function showNotice(text, { retry = false, kind = "error" } = {}) {
  ui.noticeText.textContent = text;
  ui.notice.className = `notice ${kind}`;
  ui.notice.hidden = false;
  ui.retry.hidden = !retry;
}

function clearNotice() {
  ui.notice.hidden = true;
  ui.noticeText.textContent = "";
}

function setLine(element, text, state) {
  element.textContent = text;
  element.dataset.state = state;
}

function updateButtons() {
  const session = demo.session;
  ui.start.disabled = Boolean(session) || demo.connecting !== null;
  ui.stop.disabled = !session || session.stopping;
  ui.processing.disabled = Boolean(session);
}

// ------------------------------------------------------------------------------------ NATS

async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config = await response.json();
  ui.subjects.textContent = `${config.input_subject_prefix}.{id} → ${config.output_subject_prefix}.{id}`;
  return config;
}

function natsUnreachable(url, error) {
  let reason = error && (error.message || error.code) ? error.message || error.code : String(error);
  // Browsers tell scripts nothing about why a WebSocket failed (refused, no such host, not a
  // WebSocket listener); nats.ws reports that as an unknown error.
  if (reason === "UNKNOWN_ERROR" || reason === "CONNECTION_REFUSED") reason = "the WebSocket connection failed";
  return (
    `Cannot reach NATS at ${url} (${reason}). The page talks to NATS through nats-server's WebSocket ` +
    `listener: \`bin/stt demo-web\` starts a local one; a server of your own needs a websocket { } block ` +
    `in its configuration, and \`bin/stt demo-web --nats-ws ws://HOST:PORT\` points the page at it.`
  );
}

async function connectNats() {
  if (demo.nc && !demo.nc.isClosed()) return demo.nc;
  if (demo.connecting) return demo.connecting;
  demo.connecting = (async () => {
    updateButtons();
    try {
      if (!demo.config) demo.config = await loadConfig();
    } catch (error) {
      setLine(ui.nats, "no configuration", "bad");
      showNotice(`The page could not load its configuration from the demo server: ${error.message}`, {
        retry: true,
      });
      return null;
    }
    const url = demo.config.nats_ws_url;
    setLine(ui.nats, `connecting to ${url}…`, "pending");
    let nc;
    try {
      nc = await connect({
        servers: url,
        name: "voice-stt web demo",
        timeout: 5000,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
      });
    } catch (error) {
      setLine(ui.nats, `unreachable: ${url}`, "bad");
      showNotice(natsUnreachable(url, error), { retry: true });
      return null;
    }
    demo.nc = nc;
    clearNotice();
    setLine(ui.nats, `connected: ${url} (nats-server ${nc.info ? nc.info.version : "?"})`, "good");
    watchConnection(nc, url);
    checkService(nc);
    return nc;
  })();
  try {
    return await demo.connecting;
  } finally {
    demo.connecting = null;
    updateButtons();
  }
}

async function watchConnection(nc, url) {
  (async () => {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) {
        setLine(ui.nats, `disconnected from ${url}: reconnecting…`, "bad");
        showNotice(
          `Lost the connection to NATS at ${url}; reconnecting. Audio captured meanwhile is buffered ` +
            `and sent when the connection is back.`,
          { kind: "warning" },
        );
      } else if (status.type === Events.Reconnect) {
        setLine(ui.nats, `connected: ${url} (reconnected)`, "good");
        clearNotice();
      }
    }
  })();
  const error = await nc.closed();
  if (demo.nc === nc) demo.nc = null;
  setLine(ui.nats, `closed: ${url}`, "bad");
  showNotice(error ? natsUnreachable(url, error) : `The connection to NATS at ${url} was closed.`, {
    retry: true,
  });
  if (demo.session) abandonSession("the NATS connection closed");
}

/** Asks the service's micro endpoint (stt.status) whether a voice-stt answers on this NATS. */
async function checkService(nc) {
  setLine(ui.service, "asking stt.status…", "pending");
  try {
    const reply = await nc.request(demo.config.status_subject, Empty, { timeout: STATUS_TIMEOUT_MS });
    const status = JSON.parse(new TextDecoder().decode(reply.data));
    const facts = [
      status.ready ? "ready" : "not ready",
      // "local whisper.cpp ggml-tiny.en.bin (2 workers x 1 threads, ...)": the model is enough here
      typeof status.recognizer === "string" ? status.recognizer.replace(/\s*\(.*$/, "") : "",
      `${status.active_sessions} active session${status.active_sessions === 1 ? "" : "s"}`,
    ].filter(Boolean);
    setLine(ui.service, `voice-stt ${facts.join(", ")}`, status.ready ? "good" : "bad");
  } catch (error) {
    setLine(ui.service, "no voice-stt answered", "bad");
    showNotice(
      `NATS is reachable, but no voice-stt service answered on ${demo.config.status_subject} ` +
        `(${error.code === "503" ? "no responders" : error.message || error.code}). Start one against ` +
        `the same NATS server (\`bin/stt serve\` with NATS_URL); sessions get no results until then.`,
      { kind: "warning" },
    );
  }
}

// --------------------------------------------------------------------------------- sessions

function newSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

async function startSession() {
  if (demo.session) return;
  clearNotice();
  const nc = await connectNats();
  if (!nc) return;
  const config = demo.config;
  const id = newSessionId();
  const session = {
    id,
    inSubject: `${config.input_subject_prefix}.${id}`,
    outSubject: `${config.output_subject_prefix}.${id}`,
    transcript: new Transcript(),
    clock: new AudioClock(TARGET_RATE),
    stopping: false,
    mic: null,
    ended: null,
  };
  session.ended = new Promise((resolve) => (session.endedResolve = resolve));
  demo.session = session;
  updateButtons();
  resetPane();
  setLine(ui.session, `${id} (opening the microphone…)`, "pending");

  // Results first: the subscription is live before anything is published.
  session.subscription = nc.subscribe(session.outSubject);
  (async () => {
    for await (const message of session.subscription) {
      let decoded;
      try {
        decoded = decode(message.data);
      } catch (error) {
        addNote(`undecodable message on ${session.outSubject}: ${error.message}`);
        continue;
      }
      onResult(session, decoded, performance.now());
    }
  })();
  await nc.flush();

  try {
    session.mic = await openMicrophone({
      processing: ui.processing.checked,
      onChunk: (chunk) => onChunk(session, chunk),
      onEnded: () => {
        showNotice("The microphone stopped delivering audio (unplugged or taken away); the session ends.");
        stopSession();
      },
    });
  } catch (error) {
    session.subscription.unsubscribe();
    demo.session = null;
    updateButtons();
    setLine(ui.session, "—", "idle");
    showNotice(error.message);
    return;
  }
  const state = ui.responding.checked ? "responding" : "listening";
  nc.publish(
    session.inSubject,
    encode({
      type: "start",
      session_id: id,
      sample_rate: TARGET_RATE,
      channels: 1,
      state,
      // Interim hypotheses while speaking; a service without them ignores the field.
      interim_results: true,
      // Each final's words with times and confidence: low-confidence words are marked.
      word_timestamps: true,
      // End-of-turn events (end_of_turn, resumed) when the service decides turns; ignored otherwise.
      turn_events: true,
    }),
  );
  session.mic.start();
  session.startedAt = performance.now();
  setLine(ui.session, id, "good");
  setLine(
    ui.audio,
    `${session.mic.deviceLabel || "microphone"}: ${session.mic.deviceRate} Hz → ${TARGET_RATE} Hz mono PCM16, ` +
      `${CHUNK_MS} ms chunks`,
    "good",
  );
  addNote(`start: session ${id}, ${state}`);
  updateButtons();
}

function onChunk(session, chunk) {
  if (demo.session !== session || session.stopping || !demo.nc) return;
  try {
    demo.nc.publish(
      session.inSubject,
      encode({ type: "chunk", audio: chunk.pcm, timestamp: Date.now() / 1000 }),
    );
  } catch (error) {
    abandonSession(`could not publish audio: ${error.message}`);
    return;
  }
  session.clock.sent(chunk.pcm.length / 2, performance.now());
  demo.stats.chunks += 1;
  demo.stats.bytes += chunk.pcm.length;
  if (demo.stats.chunkSizes.length < 1000) demo.stats.chunkSizes.push(chunk.pcm.length);
  ui.level.value = Math.max(-60, chunk.level);
}

function onResult(session, message, arrivalMs) {
  demo.stats.results += 1;
  const { added, interimsChanged } = session.transcript.apply(message, arrivalMs, session.clock);
  for (const entry of added) appendEntry(entry);
  if (interimsChanged) renderInterims(session.transcript);
  for (const entry of added) {
    if (entry.kind === "interrupt") {
      // The service switched the session to listening; the toggle follows.
      ui.responding.checked = false;
    } else if (entry.kind === "error" && entry.endsSession && !session.stopping) {
      showNotice(`The service refused the session: ${entry.code}: ${entry.message}`);
      stopSession();
    } else if (entry.kind === "end") {
      session.endedResolve(entry);
      if (!session.stopping) {
        showNotice(`The service ended the session (${entry.reason}). Press Start for a new one.`, {
          kind: "warning",
        });
        finishSession(session);
      }
    }
  }
}

async function stopSession() {
  const session = demo.session;
  if (!session || session.stopping) return;
  session.stopping = true;
  updateButtons();
  setLine(ui.session, `${session.id} (ending: waiting for the last result…)`, "pending");
  if (session.mic) await session.mic.close();
  try {
    demo.nc.publish(session.inSubject, encode({ type: "end" }));
    addNote("end");
  } catch (error) {
    abandonSession(`could not send end: ${error.message}`);
    return;
  }
  const timedOut = await Promise.race([
    session.ended.then(() => false),
    new Promise((resolve) => setTimeout(() => resolve(true), END_OF_STREAM_WAIT_MS)),
  ]);
  if (timedOut) {
    showNotice(
      `No end-of-stream result within ${END_OF_STREAM_WAIT_MS / 1000} s of end: is the service running?`,
      { kind: "warning" },
    );
  }
  finishSession(session);
}

function abandonSession(why) {
  const session = demo.session;
  if (!session) return;
  addNote(`session abandoned: ${why}`);
  finishSession(session);
}

function finishSession(session) {
  if (demo.session !== session) return;
  session.stopping = true;
  if (session.mic) session.mic.close();
  if (session.subscription) session.subscription.unsubscribe();
  demo.session = null;
  ui.level.value = -60;
  setLine(ui.session, `${session.id} (ended)`, "idle");
  updateButtons();
}

function onRespondingToggle() {
  const session = demo.session;
  const state = ui.responding.checked ? "responding" : "listening";
  if (!session || session.stopping || !session.mic || !demo.nc) return; // goes into the next start
  demo.nc.publish(session.inSubject, encode({ type: "state_change", state }));
  addNote(`state_change: ${state}`);
}

// ---------------------------------------------------------------------------------- rendering

function resetPane() {
  ui.log.replaceChildren();
  ui.live.replaceChildren();
  ui.placeholder.hidden = true;
}

function stickToBottom(update) {
  const pane = ui.pane;
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  update();
  if (atBottom) pane.scrollTop = pane.scrollHeight;
}

function addNote(text) {
  appendEntry({ kind: "note", text });
}

function appendEntry(entry) {
  const item = document.createElement("li");
  item.className = entry.kind;
  switch (entry.kind) {
    case "final": {
      item.dataset.sequence = entry.sequence ?? "";
      if (entry.utterance !== null) item.dataset.utterance = entry.utterance;
      const text = document.createElement("p");
      text.className = "text";
      if (entry.words && entry.words.length) {
        entry.words.forEach((w, i) => {
          if (i > 0) text.append(" ");
          const span = document.createElement("span");
          span.className = w.low ? "word low-confidence" : "word";
          span.textContent = w.word;
          span.title = `${w.start?.toFixed(2)}–${w.end?.toFixed(2)} s, confidence ${w.confidence.toFixed(2)}`;
          text.append(span);
        });
      } else {
        text.textContent = entry.text;
      }
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = describeFinal(entry);
      item.append(text, meta);
      break;
    }
    case "turn":
      item.append(
        strong(entry.event === "resumed" ? "turn resumed" : "end of turn"),
        entry.event === "resumed"
          ? ` you went on speaking after #${entry.sequence}`
          : ` after #${entry.sequence}${entry.early ? " (early)" : ""}${
              entry.probability === null ? "" : `, model ${entry.probability.toFixed(2)}`
            }`,
      );
      break;
    case "interrupt":
      item.append(
        strong("interrupt"),
        " you spoke while the assistant was responding: the service switched the session to listening",
      );
      break;
    case "error": {
      const code = document.createElement("code");
      code.textContent = entry.code;
      item.dataset.code = entry.code;
      item.append(strong("error"), " ", code, ` ${entry.message}`);
      break;
    }
    case "end":
      item.append(strong("end of stream"), ` (${entry.reason})`);
      break;
    default:
      item.textContent = `→ ${entry.text}`;
  }
  stickToBottom(() => ui.log.append(item));
}

function strong(text) {
  const element = document.createElement("strong");
  element.textContent = text;
  return element;
}

function renderInterims(transcript) {
  const nodes = transcript.openInterims().map((interim) => {
    const line = document.createElement("p");
    line.className = "interim";
    line.dataset.utterance = interim.utterance;
    line.dataset.revision = interim.revision;
    const stable = document.createElement("span");
    stable.className = "stable";
    stable.textContent = interim.stable;
    const unstable = document.createElement("span");
    unstable.className = "unstable";
    unstable.textContent = interim.unstable;
    if (interim.words.length) {
      // word_timestamps: each word its own span, low-confidence ones marked as in finals
      for (const part of [stable, unstable]) part.textContent = "";
      interimWords(interim).forEach((w) => {
        const part = w.stable ? stable : unstable;
        if (part.childNodes.length || (!w.stable && stable.childNodes.length)) part.append(" ");
        const span = document.createElement("span");
        span.className = w.low ? "word low-confidence" : "word";
        span.textContent = w.word;
        if (w.confidence !== null) span.title = `confidence ${w.confidence.toFixed(2)}`;
        part.append(span);
      });
    }
    line.append(stable, unstable);
    return line;
  });
  stickToBottom(() => ui.live.replaceChildren(...nodes));
}

// ------------------------------------------------------------------------------------ wiring

ui.start.addEventListener("click", () => startSession());
ui.stop.addEventListener("click", () => stopSession());
ui.responding.addEventListener("change", onRespondingToggle);
ui.retry.addEventListener("click", () => {
  clearNotice();
  connectNats();
});
window.addEventListener("pagehide", () => {
  // Closing the tab mid-session: tell the service, so the session ends now, not at its idle timeout.
  const session = demo.session;
  if (session && demo.nc && !session.stopping) {
    demo.nc.publish(session.inSubject, encode({ type: "end" }));
    demo.nc.flush().catch(() => {});
  }
});

connectNats();
updateButtons();
