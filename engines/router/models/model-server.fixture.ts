// A local HTTP server that serves model files like a model hub: Range requests, and on demand
// a first response that breaks off half-way (to test resuming).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ModelServer = {
  base: string;
  requests: Array<{ path: string; range: string | null }>;
  breakNext(path: string, afterBytes: number): void;
  close(): Promise<void>;
};

export async function startModelServer(
  files: Record<string, string>,
  options: { delayMsPerChunk?: number } = {},
): Promise<ModelServer> {
  const requests: ModelServer['requests'] = [];
  const breaks = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, range: req.headers.range ?? null });
    const file = files[path];
    if (!file) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(file);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= body.length) {
      res.writeHead(416).end();
      return;
    }
    res.writeHead(m ? 206 : 200, {
      'content-length': String(body.length - start),
      ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const cut = breaks.get(path);
    breaks.delete(path);
    const end = cut === undefined ? body.length : start + cut;
    let at = start;
    const pump = () => {
      if (at >= end) {
        // The connection ends half-way. Ended, not destroyed: a reset may drop bytes already
        // sent, and the client would resume from wherever its kernel had got to.
        if (cut !== undefined) res.socket?.end();
        else res.end();
        return;
      }
      const next = Math.min(end, at + 64 * 1024);
      res.write(body.subarray(at, next));
      at = next;
      setTimeout(pump, options.delayMsPerChunk ?? 0);
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    breakNext: (path, afterBytes) => breaks.set(path, afterBytes),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
