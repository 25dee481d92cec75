// Fetches a URL: http(s) only, time and size limits, and no private-network address unless
// the user granted one — checked on the addresses the name really resolves to, and redirects
// are not followed (a redirect could lead anywhere).
import { lookup } from 'node:dns/promises';
import { AetherError, type ToolExecutor } from '../bus/index.ts';

export const WEB_LIMITS = { ms: 15_000, bytes: 2 * 1024 * 1024 };

const PRIVATE_V4 = [/^10\./, /^127\./, /^0\./, /^169\.254\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];
export const isPrivateAddress = (ip: string) =>
  PRIVATE_V4.some((r) => r.test(ip)) || ip === '::1' || ip === '::' || /^f[cd]/i.test(ip) || /^fe[89ab]/i.test(ip) || /^::ffff:(10|127|192\.168)\./i.test(ip);

export const fetchUrl: ToolExecutor = async (req) => {
  if (!req.url) throw new AetherError('BadRequest', 'no URL given');
  const url = new URL(req.url);
  const addresses = await lookup(url.hostname.replace(/^\[|\]$/g, ''), { all: true }).catch(() => {
    throw new AetherError('ToolFailed', `cannot resolve ${url.hostname} (offline?)`);
  });
  if (!req.allowPrivateNetwork && addresses.some((a) => isPrivateAddress(a.address))) {
    throw new AetherError('PolicyDenied', `${url.hostname} resolves to a private network address; that needs its own grant`);
  }
  const signal = AbortSignal.any([req.signal, AbortSignal.timeout(WEB_LIMITS.ms)]);
  const response = await fetch(url, { redirect: 'manual', signal }).catch((error: Error) => {
    throw new AetherError('ToolFailed', error.name === 'TimeoutError' ? `${url.host} did not answer in time` : `fetch failed: ${error.message}`);
  });
  if (response.status >= 300 && response.status < 400) {
    return { summary: `${url.href} redirects (${response.status})`, output: `redirects to ${response.headers.get('location') ?? '(nowhere)'}; not followed` };
  }
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > WEB_LIMITS.bytes) { await reader.cancel(); break; }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { summary: `fetched ${url.href}: ${response.status}, ${size} bytes${size > WEB_LIMITS.bytes ? ' (cut)' : ''}`, output: text };
};
