// The canonical bytes of an audit row: a domain-separation tag, then every field in a fixed
// order, each as a type byte (0 = null, 1 = string) and a 4-byte big-endian length. Numbers are
// written as decimal strings. Nothing two different rows could share. docs/audit-format.md.
import { createHash, createHmac } from 'node:crypto';

export const AUDIT_TAG = 'aether.audit.v1\0';
export const GENESIS = Buffer.alloc(32);

export type AuditFields = {
  seq: number;
  at: number;
  changeId: string;
  kind: string;
  actor: string;
  capability: string | null;
  resource: string | null;
  decision: string | null;
  reason: string | null;
  /** Canonical JSON (sorted keys). */
  details: string;
  keyId: string;
};

const TAG_BYTES = Buffer.from(AUDIT_TAG, 'utf8');

export function canonicalBytes(f: AuditFields): Buffer {
  const values = [String(f.seq), String(f.at), f.changeId, f.kind, f.actor, f.capability, f.resource, f.decision, f.reason, f.details, f.keyId];
  const parts: Buffer[] = [TAG_BYTES];
  for (const value of values) {
    if (value === null) {
      parts.push(Buffer.from([0]));
    } else {
      const bytes = Buffer.from(value, 'utf8');
      const head = Buffer.allocUnsafe(5);
      head[0] = 1;
      head.writeUInt32BE(bytes.length, 1);
      parts.push(head, bytes);
    }
  }
  return Buffer.concat(parts);
}

export function eventHash(prevHash: Buffer, fields: AuditFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalBytes(fields)).digest();
}

export function recordHmac(key: Buffer, hash: Buffer): Buffer {
  return createHmac('sha256', key).update(hash).digest();
}

/** JSON with object keys sorted at every depth, so equal values always give equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
