// The AudioWorklet half of the capture (audio-capture.js is the other): runs on the audio thread,
// turns each 128-frame render block of the microphone into 16 kHz mono PCM16LE and posts every
// completed 20 ms chunk to the page, which publishes it. Loaded with audioWorklet.addModule().
import { CaptureChain } from "./pcm.js";

class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate, chunkMs } = options.processorOptions;
    // sampleRate: the AudioContext's rate (the device's, typically 48000), a global of this scope
    this.chain = new CaptureChain(sampleRate, targetRate, chunkMs);
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data === "stop") this.running = false;
    };
  }

  process(inputs) {
    const channels = inputs[0];
    // no channels: the source is not (or no longer) connected; nothing to capture this block
    if (this.running && channels && channels.length > 0) {
      for (const chunk of this.chain.push(channels)) {
        this.port.postMessage({ pcm: chunk.pcm, level: chunk.level, frame: currentFrame }, [
          chunk.pcm.buffer,
        ]);
      }
    }
    return this.running;
  }
}

registerProcessor("pcm16-capture", Pcm16Capture);
