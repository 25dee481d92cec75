// Runs on the audio thread: hands the microphone's samples to the page in 20 ms frames
// (320 samples at 16 kHz). Plain JavaScript, served from the app itself (the CSP allows no blobs
// for scripts).
class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(320);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.frame[this.filled++] = channel[i];
      if (this.filled === this.frame.length) {
        this.port.postMessage(this.frame.slice());
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('aether-capture', CaptureProcessor);
