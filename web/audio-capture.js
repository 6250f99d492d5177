// The page half of the microphone capture: asks for the microphone, runs capture-worklet.js on it
// and hands every 20 ms chunk of 16 kHz PCM16LE to a callback. Failures become MicrophoneError with
// a message a person can act on.

export const TARGET_RATE = 16000;
export const CHUNK_MS = 20;

export class MicrophoneError extends Error {
  constructor(message, cause) {
    super(message);
    this.name = "MicrophoneError";
    this.cause = cause;
  }
}

/** What getUserMedia's failures mean to the person in front of the page. */
export function describeMicrophoneFailure(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "SecurityError":
    case "PermissionDeniedError":
      return (
        "Microphone access was denied. Allow the microphone for this page in the browser's site " +
        "settings (the icon left of the address), then press Start again."
      );
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect one (or pick one in the system settings) and press Start again.";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "The microphone could not be opened: another program may be using it, or the system blocks it.";
    default:
      return `The microphone is unavailable: ${error && error.message ? error.message : error}`;
  }
}

/**
 * Opens the microphone. Nothing is captured until start() of the result is called, so that the
 * session's `start` message can go out first.
 *
 * @param {object} options
 * @param {boolean} options.processing the browser's echo cancellation, noise suppression and gain
 * @param {(chunk: {pcm: Uint8Array, level: number}) => void} options.onChunk every 20 ms chunk
 * @param {() => void} options.onEnded the device went away (unplugged, revoked)
 */
export async function openMicrophone({ processing, onChunk, onEnded }) {
  if (!window.isSecureContext) {
    throw new MicrophoneError(
      `Browsers give the microphone only to secure pages. Open this page as http://localhost:${location.port || 80}/ ` +
        `or http://127.0.0.1:${location.port || 80}/ on the machine running it, or serve it over https.`,
    );
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new MicrophoneError("This browser offers no microphone access (navigator.mediaDevices is missing).");
  }
  if (typeof AudioWorkletNode === "undefined") {
    throw new MicrophoneError("This browser lacks AudioWorklet, which the page needs to capture audio.");
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        channelCount: { ideal: 1 },
        echoCancellation: processing,
        noiseSuppression: processing,
        autoGainControl: processing,
      },
    });
  } catch (error) {
    throw new MicrophoneError(describeMicrophoneFailure(error), error);
  }
  const track = stream.getAudioTracks()[0];
  const context = new AudioContext({ latencyHint: "interactive" });
  let source;
  let node;
  try {
    await context.audioWorklet.addModule(new URL("./capture-worklet.js", import.meta.url));
    source = context.createMediaStreamSource(stream);
    node = new AudioWorkletNode(context, "pcm16-capture", {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { targetRate: TARGET_RATE, chunkMs: CHUNK_MS },
    });
    node.port.onmessage = (event) => onChunk(event.data);
    // A node that reaches the destination is pulled on every render quantum; it writes silence.
    const mute = context.createGain();
    mute.gain.value = 0;
    node.connect(mute).connect(context.destination);
    if (context.state === "suspended") await context.resume();
  } catch (error) {
    stream.getTracks().forEach((t) => t.stop());
    await context.close().catch(() => {});
    throw new MicrophoneError(`Could not start audio processing: ${error.message || error}`, error);
  }
  if (track) track.addEventListener("ended", () => onEnded && onEnded());
  let closed = false;
  return {
    deviceLabel: track ? track.label : "",
    deviceRate: context.sampleRate,
    deviceChannels: track && track.getSettings ? track.getSettings().channelCount : undefined,
    start() {
      source.connect(node);
    },
    async close() {
      if (closed) return;
      closed = true;
      node.port.postMessage("stop");
      source.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      await context.close().catch(() => {});
    },
  };
}
