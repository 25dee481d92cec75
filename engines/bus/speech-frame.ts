// A piece of spoken reply on the wire: one binary frame holding a small JSON header (which turn,
// where in its audio, loudness per 20 ms for lip sync, the words) and the samples as 16-bit PCM.
// Layout: u32 little-endian header length · header (UTF-8 JSON) · int16 little-endian samples.

export type SpeechHeader = {
  turnId: string;
  /** Order of the piece within its turn, from 0. */
  seq: number;
  sampleRate: number;
  /** Where the piece starts in the turn's audio, and how long it is (ms). */
  startMs: number;
  durationMs: number;
  /** RMS per 20 ms of the piece, 0–1. */
  envelope: number[];
  text: string;
};

export type SpeechPiece = { header: SpeechHeader; samples: Int16Array };

/** At most 16 KiB of header: a frame claiming more is not ours. */
const MAX_HEADER = 16_384;

export function encodeSpeechFrame(header: SpeechHeader, samples: Float32Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length + samples.length * 2);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  out.set(json, 4);
  const at = 4 + json.length;
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(at + i * 2, Math.round(s * 32767), true);
  }
  return out;
}

/** The piece, or null for a frame that is not one (wrong sizes, bad header). */
export function decodeSpeechFrame(frame: Uint8Array): SpeechPiece | null {
  if (frame.byteLength < 4) return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const length = view.getUint32(0, true);
  if (length > MAX_HEADER || 4 + length > frame.byteLength) return null;
  if ((frame.byteLength - 4 - length) % 2 !== 0) return null;
  let header: SpeechHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + length))) as SpeechHeader;
  } catch {
    return null;
  }
  if (typeof header?.turnId !== 'string' || typeof header.sampleRate !== 'number') return null;
  const count = (frame.byteLength - 4 - length) / 2;
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(4 + length + i * 2, true);
  return { header, samples };
}
