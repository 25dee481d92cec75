// The microphone: 16 kHz mono with the browser's echo cancelling, noise suppression and gain
// control on, cut into 20 ms frames on the audio thread and sent as 16-bit samples.
export type Capture = { stop(): void };
/**
 * Hears the loudness (RMS) of each 20 ms frame, and where it ends on the microphone's clock (ms
 * since capture began): the energy gate that ducks a reply at once.
 */
export type OnLevel = (rms: number, atMs: number) => void;

export function rmsOf(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** Float samples → little-endian int16 bytes, as the host's audio frames are. */
export function toInt16(samples: Float32Array): Uint8Array {
  const out = new DataView(new ArrayBuffer(samples.length * 2));
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out.setInt16(i * 2, Math.round(s * 32767), true);
  }
  return new Uint8Array(out.buffer);
}

export async function startCapture(
  send: (frame: Uint8Array) => void,
  onLevel?: OnLevel,
): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      channelCount: 1,
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  });
  const context = new AudioContext({ sampleRate: 16_000 });
  await context.audioWorklet.addModule('capture-worklet.js');
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, 'aether-capture');
  let frames = 0;
  node.port.onmessage = (e: MessageEvent<Float32Array>) => {
    onLevel?.(rmsOf(e.data), ++frames * 20);
    send(toInt16(e.data));
  };
  source.connect(node);
  return {
    stop() {
      node.port.onmessage = null;
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
      void context.close();
    },
  };
}
