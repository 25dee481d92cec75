// Headless mode: the workspace, /health, and a WebSocket that carries the bus to the page.
// Bound to loopback; every socket needs the per-launch token; Host and Origin headers are
// checked so a web page elsewhere cannot reach the host through DNS rebinding.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Host } from '../create-host.ts';
import type { Logger } from '../logger.ts';
import { createOpenAiApi } from './openai-api.ts';
import { contentSecurityPolicy, serveStatic } from './static-files.ts';
import { attach } from './ws-session.ts';

export type ServerOptions = {
  host: Host;
  port: number;
  bindHost?: string;
  token?: string;
  log: Logger;
  /** The OpenAI-compatible API's key; without one the API is off. */
  apiKey?: string;
  apiRatePerMinute?: number;
};

export type RunningServer = {
  url: string;
  port: number;
  token: string;
  /** Serves another host from now on (after "delete everything"); open pages reconnect to it. */
  replaceHost(next: Host, apiKey?: string): void;
  close(): Promise<void>;
};

const MAX_MESSAGE_BYTES = 1024 * 1024;

function sameSecret(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the request handlers need; `port` is known once the server listens. */
type Ctx = {
  host: Host;
  log: Logger;
  token: string;
  port: number;
  loopback: boolean;
  api: ReturnType<typeof createOpenAiApi> | null;
  apiKey: string | undefined;
};

// On loopback the Host header must name this server (DNS rebinding); a deliberate non-loopback
// bind cannot know the names it is reached by, so there the token alone guards the socket.
const hostAllowed = (c: Ctx, host: string | undefined) =>
  !c.loopback ||
  [`127.0.0.1:${c.port}`, `localhost:${c.port}`, `[::1]:${c.port}`].includes(host ?? '');
// A browser's Origin must be this very page.
const originAllowed = (origin: string | undefined, host: string | undefined) =>
  origin === undefined || origin === `http://${host}`;

/** The OpenAI-compatible API: no CORS, and no foreign Origin at all (a page elsewhere must not drive it). */
function serveApi(c: Ctx, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.headers.origin !== undefined && !originAllowed(req.headers.origin, req.headers.host)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  c.api!(req, res, path).catch((error: Error) => {
    c.log.error('api.failed', { error: error.message });
    if (!res.headersSent)
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":{"message":"internal error"}}');
    else res.end();
  });
}

/** Prometheus text, for the API key only (it says how the companion is used). */
function serveMetrics(c: Ctx, req: IncomingMessage, res: ServerResponse): void {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : null;
  if (!c.apiKey || !sameSecret(given, c.apiKey)) {
    res.writeHead(401, { 'www-authenticate': 'Bearer' }).end('the API key is needed');
    return;
  }
  c.host.metrics().then(
    (text) =>
      res
        .writeHead(200, {
          'content-type': 'text/plain; version=0.0.4',
          'cache-control': 'no-store',
        })
        .end(text),
    (error: Error) => res.writeHead(500).end(error.message),
  );
}

function serveHttp(c: Ctx, req: IncomingMessage, res: ServerResponse): void {
  if (!hostAllowed(c, req.headers.host)) {
    res.writeHead(421).end('misdirected request');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://local');
  if (c.api && url.pathname.startsWith('/v1/')) return serveApi(c, req, res, url.pathname);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
  } else if (url.pathname === '/metrics') {
    serveMetrics(c, req, res);
  } else if (url.pathname === '/health') {
    // Any local process may ask whether Aether is up; what it runs (model, counts) needs the token.
    const full = sameSecret(url.searchParams.get('token'), c.token);
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(full ? c.host.health() : { name: 'aether', status: 'ok' }));
  } else {
    const csp = contentSecurityPolicy(`ws://${req.headers.host}`);
    void serveStatic(c.host.resources.rendererDir, url.pathname, res, csp);
  }
}

function upgrade(c: Ctx, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer) {
  const url = new URL(req.url ?? '/', 'http://local');
  const refuse = (status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\n\r\n`);
  };
  if (url.pathname !== '/ws' || !hostAllowed(c, req.headers.host)) return refuse('404 Not Found');
  if (!originAllowed(req.headers.origin, req.headers.host)) {
    c.log.warn('transport.rejected', { origin: 'ws', reason: 'foreign origin' });
    return refuse('403 Forbidden');
  }
  if (!sameSecret(url.searchParams.get('token'), c.token)) {
    c.log.warn('transport.rejected', { origin: 'ws', reason: 'bad token' });
    return refuse('401 Unauthorized');
  }
  wss.handleUpgrade(req, socket, head, (ws) => attach(ws, c.host, c.log));
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { host, log } = options;
  const bindHost = options.bindHost ?? '127.0.0.1';
  const apiFor = (bus: Host['bus'], apiKey: string | undefined) =>
    apiKey ? createOpenAiApi({ bus, apiKey, ratePerMinute: options.apiRatePerMinute }) : null;
  const api = apiFor(host.bus, options.apiKey);
  const c: Ctx = {
    host,
    log,
    token: options.token ?? randomBytes(24).toString('base64url'),
    port: 0,
    loopback: ['127.0.0.1', 'localhost', '::1'].includes(bindHost),
    api,
    apiKey: options.apiKey,
  };
  const server: Server = createServer((req, res) => serveHttp(c, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    upgrade(c, wss, req, socket, head),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  c.port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${shownHost}:${c.port}/?token=${c.token}`,
    port: c.port,
    token: c.token,
    replaceHost(next, apiKey) {
      c.host = next;
      c.api = apiFor(next.bus, apiKey);
      c.apiKey = apiKey;
      // Sockets were attached to the old host: closed, the pages reconnect to the new one.
      for (const client of wss.clients) client.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
