// The microphone: 16 kHz mono with the browser's echo cancelling, noise suppression and gain
// control on, cut into 20 ms frames on the audio thread and sent as 16-bit samples.
export type Capture = { stop(): void };

/** Float samples → little-endian int16 bytes, as the host's audio frames are. */
export function toInt16(samples: Float32Array): Uint8Array {
  const out = new DataView(new ArrayBuffer(samples.length * 2));
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out.setInt16(i * 2, Math.round(s * 32767), true);
  }
  return new Uint8Array(out.buffer);
}

export async function startCapture(send: (frame: Uint8Array) => void): Promise<Capture> {
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
  node.port.onmessage = (e: MessageEvent<Float32Array>) => send(toInt16(e.data));
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
