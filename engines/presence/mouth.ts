// The mouth: from the reply's speech as it plays (loudness per 20 ms opens the jaw; the vowels
// of the piece's words, spread over its voiced stretches, shape it), or — when the reply is only
// text — a talking cycle while it streams.
import type { Viseme } from '../bus/index.ts';
import type { SpeechTrack, TrackPiece } from './inputs.ts';

export type Mouth = { viseme: Viseme; open: number };
export const CLOSED: Mouth = { viseme: 'closed', open: 0 };

const SLOT_MS = 20;
const VOWEL: Record<string, Viseme> = { a: 'aa', e: 'ee', i: 'ih', o: 'oh', u: 'ou', y: 'ih' };

/** Where the page's playback is at host time `t`: it plays on from the last report. */
export function playedAt(track: SpeechTrack, t: number): number | null {
  const p = track.playback;
  if (!p) return null;
  const end = track.pieces.reduce((n, piece) => Math.max(n, piece.startMs + piece.durationMs), 0);
  const at = p.ended ? p.heardMs : p.heardMs + Math.max(0, t - p.at);
  return Math.min(at, end);
}

function vowelsOf(text: string): Viseme[] {
  const out: Viseme[] = [];
  for (const ch of text.toLowerCase()) if (VOWEL[ch]) out.push(VOWEL[ch]);
  return out.length > 0 ? out : ['aa'];
}

function pieceMouth(piece: TrackPiece, atMs: number): Mouth {
  const slot = Math.floor((atMs - piece.startMs) / SLOT_MS);
  const loudest = Math.max(...piece.envelope, 1e-6);
  const level = (piece.envelope[slot] ?? 0) / loudest;
  if (level < 0.15) return CLOSED;
  const vowels = vowelsOf(piece.text);
  const viseme = vowels[Math.floor((slot / piece.envelope.length) * vowels.length)] ?? 'aa';
  return { viseme, open: Math.min(1, level * 1.1) };
}

/** The mouth for the playing reply at host time `t`; closed in silence and after the end. */
export function spokenMouth(track: SpeechTrack | null, t: number): Mouth | null {
  if (!track) return null;
  const at = playedAt(track, t);
  if (at === null) return null;
  const piece = track.pieces.find((p) => at >= p.startMs && at < p.startMs + p.durationMs);
  return piece ? pieceMouth(piece, at) : CLOSED;
}

/** Whether the reply is being heard now (playing and not past what arrived). */
export function speakingAt(track: SpeechTrack | null, t: number): boolean {
  if (!track?.playback || track.playback.ended) return false;
  const at = playedAt(track, t)!;
  return track.pieces.some((p) => at >= p.startMs && at < p.startMs + p.durationMs);
}

const CYCLE: Viseme[] = ['aa', 'oh', 'ee', 'ih', 'aa', 'ou'];

/** Talking while a text-only reply streams: a syllable every 110 ms, jaw from a slow sine. */
export function textMouth(t: number): Mouth {
  const step = Math.floor(t / 110);
  const open = 0.35 + 0.3 * Math.abs(Math.sin((t / 110) * Math.PI));
  return { viseme: CYCLE[step % CYCLE.length], open };
}
