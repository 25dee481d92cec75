// The last event seq this tab saw, kept across a reload so the new page asks the host to
// replay from there (the host says `replay_gap` when it no longer has them all).
const KEY = 'aether.lastSeq';

export function loadLastSeq(): number | null {
  const raw = sessionStorage.getItem(KEY);
  const n = raw === null ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export function saveLastSeq(seq: number): void {
  sessionStorage.setItem(KEY, String(seq));
}
