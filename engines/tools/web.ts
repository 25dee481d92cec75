// Fetches a URL: http(s) only, time and size limits, and no private-network address unless the
// user granted one — checked on the addresses the name really resolves to. The connection goes to
// exactly the address that was checked (the name is not looked up a second time, so DNS cannot
// answer differently in between), and redirects are not followed (one could lead anywhere).
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { AetherError, isPrivateAddress, type ToolExecutor } from '../bus/index.ts';

export { isPrivateAddress };

export const WEB_LIMITS = { ms: 15_000, bytes: 2 * 1024 * 1024 };

export type Resolve = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: Resolve = (host) => lookup(host, { all: true });

function get(
  url: URL,
  address: { address: string; family: number },
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'GET', lookup: pinned, signal, headers: { 'user-agent': 'Aether', accept: '*/*' } },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

async function readBody(response: IncomingMessage): Promise<{ text: string; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > WEB_LIMITS.bytes) {
      response.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), size };
}

export function createFetch(options: { resolve?: Resolve } = {}): ToolExecutor<'web.fetch'> {
  const resolve = options.resolve ?? systemResolve;
  return async (req) => {
    if (!req.url) throw new AetherError('BadRequest', 'no URL given');
    const url = new URL(req.url);
    const addresses = await resolve(url.hostname.replace(/^\[|\]$/g, '')).catch(() => {
      throw new AetherError('ToolFailed', `cannot resolve ${url.hostname} (offline?)`);
    });
    if (addresses.length === 0)
      throw new AetherError('ToolFailed', `cannot resolve ${url.hostname}`);
    if (!req.allowPrivateNetwork && addresses.some((a) => isPrivateAddress(a.address))) {
      throw new AetherError(
        'PolicyDenied',
        `${url.hostname} resolves to a private network address; that needs its own grant`,
      );
    }
    const signal = AbortSignal.any([req.signal, AbortSignal.timeout(WEB_LIMITS.ms)]);
    const response = await get(url, addresses[0], signal).catch((error: Error) => {
      throw new AetherError(
        'ToolFailed',
        error.name === 'TimeoutError' || signal.aborted
          ? `${url.host} did not answer in time`
          : `fetch failed: ${error.message}`,
      );
    });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      response.resume();
      return {
        summary: `${url.href} redirects (${status})`,
        output: `redirects to ${response.headers.location ?? '(nowhere)'}; not followed`,
      };
    }
    const { text, size } = await readBody(response);
    return {
      summary: `fetched ${url.href}: ${status}, ${size} bytes${size > WEB_LIMITS.bytes ? ' (cut)' : ''}`,
      output: text,
    };
  };
}

export const fetchUrl: ToolExecutor<'web.fetch'> = createFetch();
