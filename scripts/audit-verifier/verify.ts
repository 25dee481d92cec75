// The independent audit verifier. It shares no code with the ledger: the row format is
// re-implemented from docs/audit-format.md on @noble/hashes and @noble/curves (no node:crypto),
// so a bug in one cannot hide in the other.
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export type ExportedRow = {
  seq: number;
  at: number;
  changeId: string;
  kind: string;
  actor: string;
  capability: string | null;
  resource: string | null;
  decision: string | null;
  reason: string | null;
  details: string;
  keyId: string;
  prevHash: string;
  eventHash: string;
  recordHmac: string;
};
export type CheckpointLine = {
  v: number;
  size: number;
  head: string;
  at: number;
  key: string;
  sig: string;
};

export type Verdict =
  | { ok: true; rows: number; checkpoints: number; sealsChecked: boolean }
  | { ok: false; seq: number | null; problem: string };

const TAG = utf8ToBytes('aether.audit.v1\0');
const CHECKPOINT_TAG = utf8ToBytes('aether.checkpoint.v1\0');

function field(value: string | null): Uint8Array {
  if (value === null) return new Uint8Array([0]);
  const bytes = utf8ToBytes(value);
  const head = new Uint8Array(5);
  head[0] = 1;
  new DataView(head.buffer).setUint32(1, bytes.length, false);
  return concatBytes(head, bytes);
}

function canonical(r: ExportedRow): Uint8Array {
  const values = [
    String(r.seq),
    String(r.at),
    r.changeId,
    r.kind,
    r.actor,
    r.capability,
    r.resource,
    r.decision,
    r.reason,
    r.details,
    r.keyId,
  ];
  return concatBytes(TAG, ...values.map(field));
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

const isHex32 = (s: unknown) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);

export function verifyRows(
  rows: Iterable<ExportedRow>,
  options: {
    head: { seq: number; hash: string | null };
    keys: Record<string, Uint8Array> | null;
    checkpoints: CheckpointLine[];
    publicKeyHex: string;
  },
): Verdict {
  try {
    const pub = hexToBytes(options.publicKeyHex);
    for (const c of options.checkpoints) {
      const message = concatBytes(CHECKPOINT_TAG, u64(c.size), hexToBytes(c.head), u64(c.at));
      if (c.key !== options.publicKeyHex || !ed25519.verify(hexToBytes(c.sig), message, pub)) {
        return {
          ok: false,
          seq: null,
          problem: `checkpoint for ${c.size} rows is not signed by the pinned key`,
        };
      }
    }
    const bySize = new Map<number, string[]>();
    for (const c of options.checkpoints)
      bySize.set(c.size, [...(bySize.get(c.size) ?? []), c.head]);
    let prev = '0'.repeat(64);
    let expected = 1;
    for (const r of rows) {
      if (r.seq !== expected)
        return { ok: false, seq: expected, problem: `row ${expected} is missing or out of order` };
      if (![r.prevHash, r.eventHash, r.recordHmac].every(isHex32))
        return { ok: false, seq: r.seq, problem: `row ${r.seq} is malformed` };
      if (r.prevHash !== prev)
        return { ok: false, seq: r.seq, problem: `row ${r.seq} does not follow the row before it` };
      const hash = bytesToHex(sha256(concatBytes(hexToBytes(prev), canonical(r))));
      if (hash !== r.eventHash)
        return { ok: false, seq: r.seq, problem: `row ${r.seq} was changed after it was written` };
      if (options.keys) {
        const key = options.keys[r.keyId];
        if (!key)
          return {
            ok: false,
            seq: r.seq,
            problem: `row ${r.seq} is sealed with unknown key ${r.keyId}`,
          };
        if (bytesToHex(hmac(sha256, key, hexToBytes(hash))) !== r.recordHmac)
          return { ok: false, seq: r.seq, problem: `row ${r.seq}'s seal is wrong` };
      }
      for (const head of bySize.get(r.seq) ?? []) {
        if (head !== hash)
          return {
            ok: false,
            seq: r.seq,
            problem: `row ${r.seq} differs from a signed checkpoint`,
          };
      }
      prev = hash;
      expected++;
    }
    const last = expected - 1;
    if (options.head.seq !== last || (last > 0 && options.head.hash !== prev))
      return { ok: false, seq: last, problem: 'the chain head does not point at the last row' };
    const furthest = Math.max(0, ...options.checkpoints.map((c) => c.size));
    if (furthest > last)
      return {
        ok: false,
        seq: last + 1,
        problem: `a signed checkpoint saw ${furthest} rows; the log has ${last}`,
      };
    return {
      ok: true,
      rows: last,
      checkpoints: options.checkpoints.length,
      sealsChecked: options.keys !== null,
    };
  } catch (error) {
    return { ok: false, seq: null, problem: `could not be read: ${(error as Error).message}` };
  }
}

export function parseCheckpoints(text: string): CheckpointLine[] {
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop(); // a write torn by a crash
  return lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as CheckpointLine);
}

export function parseKeyring(text: string): Record<string, Uint8Array> {
  const raw = JSON.parse(text) as { keys: Record<string, string> };
  return Object.fromEntries(Object.entries(raw.keys).map(([id, hex]) => [id, hexToBytes(hex)]));
}
