// The page in real Chromium (headless), a real recording as its microphone, against `stt demo-web`
// (nats-server's WebSocket listener, the service, the real model). scripts/web-test.sh starts the
// demo and runs this:
//
//   node web/test/chromium.js --url http://127.0.0.1:PORT/ --wav MIC.wav --reference REF.txt \
//     --out target/web [--chromium /usr/lib/chromium/chromium] [--node-modules .cache/web/node_modules]
//
// Checks, each printed as PASS/FAIL:
//   1. NATS unreachable: the page says so (config.json pointed at a closed port).
//   2. Microphone denied: the page says so (a context without the permission).
//   3. The recording as the microphone: finals with the expected words appear, each with a latency;
//      after the first final the "responding" toggle goes on and the next speech yields an interrupt
//      shown on the page (the toggle follows the service back to listening); every chunk sent is
//      20 ms of 16 kHz PCM16 (640 bytes); Stop ends with the end-of-stream; no error on the page.
//   4. Interim results (synthetic messages on a silent session): greyed, replaced by revision,
//      dropped by their final.
// Saves the page as OUT/web-demo.png and its console as OUT/console.log. Exit status 0 when all pass.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
  const args = {
    url: null,
    wav: null,
    reference: null,
    out: "target/web",
    chromium: process.env.CHROMIUM || "/usr/lib/chromium/chromium",
    nodeModules: ".cache/web/node_modules",
    maxWer: 0.4,
  };
  const names = {
    "--url": "url",
    "--wav": "wav",
    "--reference": "reference",
    "--out": "out",
    "--chromium": "chromium",
    "--node-modules": "nodeModules",
    "--max-wer": "maxWer",
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`unknown or incomplete option: ${argv[i]}`);
    args[key] = key === "maxWer" ? Number(argv[i + 1]) : argv[i + 1];
  }
  for (const required of ["url", "wav", "reference"]) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

// Word error rate with the normalisation of the project's WordErrorRate (as the interop clients).
const NUMBER_WORDS = (
  "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " +
  "fifteen sixteen seventeen eighteen nineteen twenty"
).split(" ");
function normalise(text) {
  return text
    .toLowerCase()
    .replace(/['\u2019]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(/\s+/)
    .filter((w) => w)
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
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[hyp.length] / ref.length;
}

/** A TCP port nothing listens on (bound, then released). */
function closedPort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const results = [];
function record(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "PASS" : "FAIL"}: ${name}${detail ? ` (${detail})` : ""}`);
}

async function main() {
  const args = parseArgs(process.argv);
  const { chromium } = await import(pathToFileURL(resolve(args.nodeModules, "playwright-core/index.mjs")).href);
  mkdirSync(args.out, { recursive: true });
  const consoleLog = join(args.out, "console.log");
  writeFileSync(consoleLog, "");
  const referenceLines = readFileSync(args.reference, "utf8").split("\n").map((l) => l.trim()).filter((l) => l);

  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    args: [
      "--use-fake-device-for-media-stream",
      // %noloop: the recording plays once, then the microphone is silent
      `--use-file-for-fake-audio-capture=${resolve(args.wav)}%noloop`,
    ],
  });
  console.log(`chromium ${browser.version()} (${args.chromium}), playwright-core; page ${args.url}`);
  const watch = (page, label) => {
    page.on("console", (m) => appendFileSync(consoleLog, `[${label}] ${m.type()}: ${m.text()}\n`));
    page.on("pageerror", (e) => {
      appendFileSync(consoleLog, `[${label}] pageerror: ${e.stack || e}\n`);
      record(`${label}: no uncaught error in the page`, false, String(e));
    });
  };
  try {
    // ---------------------------------------------------------------- 1. NATS unreachable
    {
      const context = await browser.newContext();
      const page = await context.newPage();
      watch(page, "nats-unreachable");
      const port = await closedPort();
      await page.route("**/config.json", async (route) => {
        const response = await route.fetch();
        const config = await response.json();
        await route.fulfill({ response, json: { ...config, nats_ws_url: `ws://127.0.0.1:${port}` } });
      });
      await page.goto(args.url);
      const notice = page.locator("#notice");
      let text = "";
      try {
        await notice.waitFor({ state: "visible", timeout: 15000 });
        text = await notice.innerText();
      } catch (error) {
        text = `no notice: ${error.message}`;
      }
      record(
        "NATS unreachable: the page says it cannot reach NATS and offers to connect again",
        /Cannot reach NATS at ws:\/\/127\.0\.0\.1:\d+/.test(text) && (await page.locator("#retry").isVisible()),
        text.slice(0, 160),
      );
      await context.close();
    }

    // ---------------------------------------------------------------- 2. microphone denied
    {
      const context = await browser.newContext(); // no microphone permission: the prompt is dismissed
      const page = await context.newPage();
      watch(page, "microphone-denied");
      await page.goto(args.url);
      await page.locator('#nats-status[data-state="good"]').waitFor({ timeout: 15000 });
      await page.click("#start");
      let text = "";
      try {
        await page.locator("#notice").waitFor({ state: "visible", timeout: 15000 });
        text = await page.locator("#notice").innerText();
      } catch (error) {
        text = `no notice: ${error.message}`;
      }
      record(
        "microphone denied: the page says so, and no session stays open",
        /Microphone access was denied/.test(text) && (await page.locator("#start").isEnabled()),
        text.slice(0, 160),
      );
      await context.close();
    }

    // ---------------------------------------------------------- 3. speech, barge-in, finals
    const context = await browser.newContext({ viewport: { width: 1000, height: 860 } });
    await context.grantPermissions(["microphone"], { origin: new URL(args.url).origin });
    const page = await context.newPage();
    watch(page, "session");
    await page.goto(args.url);
    await page.locator('#nats-status[data-state="good"]').waitFor({ timeout: 15000 });
    await page.locator('#service-status[data-state="good"]').waitFor({ timeout: 15000 });
    record("the page connects to NATS over WebSocket and finds the service (stt.status)", true,
      `${await page.locator("#nats-status").innerText()} | ${await page.locator("#service-status").innerText()}`);

    const sessionStart = Date.now();
    await page.click("#start");
    await page.locator('#session-id[data-state="good"]').waitFor({ timeout: 15000 });
    const sessionId = await page.evaluate(() => window.sttDemo.session && window.sttDemo.session.id);
    record("a session id is shown", /^web-[0-9a-f]{12}$/.test(sessionId || ""), sessionId);

    // The service publishes interims for this session (the page starts it with interim_results):
    // the words of the first utterance appear greyed while it is still being spoken.
    let interimText = "";
    try {
      const live = page.locator("#live .interim").first();
      await live.waitFor({ timeout: 30000 });
      interimText = await live.innerText();
    } catch (error) {
      interimText = `none: ${error.message}`;
    }
    record("interim text from the service appears while the recording is still speaking",
      !interimText.startsWith("none") && interimText.trim().length > 0, interimText.slice(0, 120));

    const finals = page.locator("#log li.final");
    await finals.first().waitFor({ timeout: 30000 });
    const firstFinal = await finals.first().locator(".text").innerText();
    console.log(`first final after ${((Date.now() - sessionStart) / 1000).toFixed(1)} s: ${JSON.stringify(firstFinal)}`);

    // The assistant starts speaking: the next speech talks over it.
    await page.check("#responding");
    const toggledAt = Date.now();
    let interruptText = "";
    try {
      await page.locator("#log li.interrupt").first().waitFor({ timeout: 20000 });
      interruptText = await page.locator("#log li.interrupt").first().innerText();
    } catch (error) {
      interruptText = "";
    }
    record(
      "responding toggle + speech: an interrupt is shown",
      interruptText.includes("interrupt"),
      interruptText ? `${((Date.now() - toggledAt) / 1000).toFixed(1)} s after the toggle` : "none within 20 s",
    );
    const order = await page.$$eval("#log li", (items) => items.map((li) => li.className + ":" + li.textContent));
    const stateChangeAt = order.findIndex((line) => line.startsWith("note:") && line.includes("state_change: responding"));
    const interruptAt = order.findIndex((line) => line.startsWith("interrupt:"));
    record("the page sent state_change before the interrupt came", stateChangeAt >= 0 && interruptAt > stateChangeAt);
    record("after the interrupt the toggle follows the service back to listening", !(await page.isChecked("#responding")));

    // The rest of the recording: wait until its last words are in (or the time is up).
    // Not "clubs": tiny.en hears "ten of clubs" as "10 of close" once the recording has been
    // resampled to 44.1 kHz and back (sox's round trip does the same); the WER bound covers it.
    const expected = ["young man", "amiable himself", "forward ten meters"];
    const deadline = Date.now() + 40000;
    let text = "";
    while (Date.now() < deadline) {
      text = (await finals.locator(".text").allInnerTexts()).join(" ");
      if (normalise(text).join(" ").includes("meters")) break;
      await page.waitForTimeout(250);
    }
    await page.waitForTimeout(1200); // nothing else should come, but let a late final land
    await page.click("#stop");
    await page.locator("#log li.end").waitFor({ timeout: 20000 });
    text = (await finals.locator(".text").allInnerTexts()).join(" ");
    const words = normalise(text).join(" ");
    const missing = expected.filter((w) => !words.includes(w));
    record(`the expected words appear on the page (${expected.join(", ")})`, missing.length === 0,
      missing.length ? `missing ${missing.join(", ")} in ${JSON.stringify(text)}` : JSON.stringify(text));
    const wer = wordErrorRate(referenceLines.join(" "), text);
    record(`word error rate below ${args.maxWer}`, wer < args.maxWer, `${(100 * wer).toFixed(1)}%`);

    const metas = await finals.locator(".meta").allInnerTexts();
    const latencies = metas.map((m) => /latency (\d+\.\d+) s/.exec(m)).filter(Boolean).map((m) => Number(m[1]));
    for (const [i, meta] of metas.entries()) console.log(`  final ${i}: ${meta}`);
    record("every final shows its latency and the recognizer's time",
      metas.length > 0 && latencies.length === metas.length && metas.every((m) => /recognizer \d+\.\d+ s/.test(m)),
      latencies.length ? `latency ${Math.min(...latencies).toFixed(2)}-${Math.max(...latencies).toFixed(2)} s` : "none");

    const stats = await page.evaluate(() => window.sttDemo.stats);
    const sent = stats.chunks * 0.02;
    const elapsed = (Date.now() - sessionStart) / 1000;
    record("every chunk is 20 ms of 16 kHz PCM16 (640 bytes), sent in real time",
      stats.chunkSizes.length > 0 && stats.chunkSizes.every((n) => n === 640) && sent > 16 && sent <= elapsed + 0.5,
      `${stats.chunks} chunks = ${sent.toFixed(2)} s of audio in ${elapsed.toFixed(1)} s`);
    const errors = await page.locator("#log li.error").allInnerTexts();
    record("no error on the page", errors.length === 0, errors.join(" | "));
    record("Stop ends the session with its end-of-stream result",
      (await page.locator("#log li.end").innerText()).includes("end of stream (end)") && (await page.isEnabled("#start")));

    const screenshot = join(args.out, "web-demo.png");
    await page.locator("#pane").evaluate((pane) => (pane.scrollTop = 0));
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);

    // ------------------------------------------- 4. interim results, as the page renders them
    // Synthetic messages on a second (silent) session's output subject, in the shape the service
    // publishes for sessions that start with interim_results: true.
    await page.click("#start");
    await page.locator('#session-id[data-state="good"]').waitFor({ timeout: 15000 });
    const publish = (message) =>
      page.evaluate(async (message) => {
        const { encode } = await import("./vendor/@msgpack/msgpack/dist.esm/index.mjs");
        const { nc, session } = window.sttDemo;
        nc.publish(session.outSubject, encode({ session_id: session.id, timestamp: Date.now() / 1000, ...message }));
        await nc.flush();
      }, message);
    const interim = (revision, stable, unstable) => ({
      type: "interim", utterance_id: 900, revision, stable, unstable, transcript: stable + unstable,
      audio_start: 0.2, audio_end: 1.0, state: "listening",
    });
    const shown = () =>
      page.$$eval("#live .interim", (lines) =>
        lines.map((l) => `${l.dataset.revision}|${l.querySelector(".stable").textContent}|${l.querySelector(".unstable").textContent}`));
    await publish(interim(0, "", "hello wor"));
    await page.locator('#live .interim[data-revision="0"]').waitFor({ timeout: 5000 });
    await publish(interim(1, "hello ", "world how"));
    await page.locator('#live .interim[data-revision="1"]').waitFor({ timeout: 5000 });
    await publish(interim(0, "", "stale"));
    await page.waitForTimeout(300);
    const afterRevisions = await shown();
    record("an interim is shown greyed and replaced by its next revision (a stale one is ignored)",
      JSON.stringify(afterRevisions) === JSON.stringify(["1|hello |world how"]), JSON.stringify(afterRevisions));
    await publish({
      type: "transcription", utterance_id: 900, sequence: 0, transcript: " Hello world, how are you?",
      is_final: true, is_partial: false, audio_start: 0.2, audio_end: 1.0, processing_time: 0.1, state: "listening",
    });
    await page.locator("#log li.final").filter({ hasText: "Hello world, how are you?" }).waitFor({ timeout: 5000 });
    const afterFinal = await shown();
    record("the final with the interim's utterance_id replaces it", afterFinal.length === 0, JSON.stringify(afterFinal));
    await page.click("#stop");
    await page.locator("#log li.end").waitFor({ timeout: 20000 });
    await context.close();
  } finally {
    await browser.close();
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `chromium test: ${failed ? "FAIL" : "PASS"} ${results.length - failed}/${results.length} checks in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`chromium test: ${error.stack || error}`);
    process.exit(1);
  },
);
